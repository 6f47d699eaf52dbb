using Motive.IO;

namespace Motive.Methods.Editing;

/// <summary>
/// How a request's input names become files to read: the CLI and batch runs take them as paths; a server maps its
/// own upload ids and refuses everything else, so no client-supplied path is ever opened.
/// </summary>
public interface IEditInputs
{
    /// <summary>The local file (or folder, for <see cref="InputKind.Folder"/>) behind <paramref name="name"/>; throws MotiveFormatException when there is none.</summary>
    string Resolve(string name, InputKind kind);
}

public enum InputKind { Image, Flow, Mask, Folder, Model, Latents }

/// <summary>Input names are paths on this machine (relative to the working folder, or to a base folder).</summary>
public sealed class FileInputs(string? baseDir = null) : IEditInputs
{
    public string Resolve(string name, InputKind kind)
    {
        var path = baseDir is null || System.IO.Path.IsPathRooted(name) ? name : System.IO.Path.Combine(baseDir, name);
        bool folder = kind == InputKind.Folder;
        bool exists = folder ? Directory.Exists(path) : kind == InputKind.Model ? Directory.Exists(path) || File.Exists(path) : File.Exists(path);
        if (!exists) throw new MotiveFormatException(name, folder ? "no such folder" : "no such file");
        return path;
    }
}
