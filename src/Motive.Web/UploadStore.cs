using System.Collections.Concurrent;
using Motive.IO;
using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Web;

/// <summary>
/// Uploaded pictures, each decoded and checked before it is kept (as PNG, under an id made here), and the server's
/// side of <see cref="IEditInputs"/>: a request's input names must be these ids, or the model files the operator
/// started the server with; nothing else a client writes is ever opened.
/// </summary>
public sealed class UploadStore(string dir, int maxSide, IReadOnlyCollection<string> serverFiles) : IEditInputs
{
    private readonly ConcurrentDictionary<string, Upload> uploads = new();

    public sealed record Upload(string Id, string File, int Width, int Height);

    /// <summary>Decodes <paramref name="data"/>; throws MotiveFormatException naming <paramref name="what"/> when it is no picture or too large.</summary>
    public Upload Add(byte[] data, string what)
    {
        var image = ImageReader.Decode(what, data);
        if (image.Width > maxSide || image.Height > maxSide)
            throw new MotiveFormatException(what, $"is {image.Width}x{image.Height} px; this server takes at most {maxSide} px a side");
        return Add(image);
    }

    public Upload Add(RgbImage image)
    {
        var id = "img_" + Guid.NewGuid().ToString("N")[..16];
        var file = Path.Combine(dir, id + ".png");
        var temp = file + ".tmp";
        PngWriter.Write(temp, image);
        File.Move(temp, file);
        var upload = new Upload(id, file, image.Width, image.Height);
        uploads[id] = upload;
        return upload;
    }

    public Upload? Get(string id) => uploads.TryGetValue(id, out var u) ? u : null;

    public string Resolve(string name, InputKind kind)
    {
        switch (kind)
        {
            case InputKind.Image or InputKind.Mask:
                return Get(name)?.File ?? throw new MotiveFormatException(name, "is not an uploaded image id (upload the picture first: POST /api/v1/images)");
            case InputKind.Model when serverFiles.Contains(name):
            case InputKind.Folder when serverFiles.Contains(name):
                return name;
            case InputKind.Model or InputKind.Folder:
                throw new MotiveFormatException(name, "is not served here: this server edits with the models its operator started it with; leave model files out of the request");
            case InputKind.Latents:
                throw new MotiveFormatException(name, "cannot be sent to this server (a latents file): give a seed");
            default:
                throw new MotiveFormatException(name, $"cannot be sent to this server (a {kind.ToString().ToLowerInvariant()} file): describe the motion with strokes");
        }
    }
}
