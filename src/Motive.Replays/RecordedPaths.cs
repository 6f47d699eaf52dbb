using Motive.IO;

namespace Motive.Replays;

/// <summary>
/// The files a recording says it ran on. Its metadata names each (`model`, `raft`, `lora`) by the value's first
/// word, a path relative to the recording's folder (or absolute), e.g. `model` = "tiny-sd (shared/fixtures/parity/tiny-sd),
/// weights read from safetensors ..." names the folder tiny-sd beside the recording. A path given on the command line
/// overrides the metadata and is taken as it stands.
/// </summary>
public static class RecordedPaths
{
    /// <summary>The first word of the metadata value <paramref name="key"/>; null when the recording has no such key.</summary>
    public static string? FirstWord(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && value.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
            ? first.TrimEnd(',', ';', ':')
            : null;

    /// <summary>
    /// The path that metadata <paramref name="key"/> names, beside <paramref name="file"/>; it must exist. A recording
    /// without the key gets <paramref name="fallback"/> beside it where its format has one, else a clear error.
    /// </summary>
    public static string Resolve(string file, IReadOnlyDictionary<string, string> metadata, string key, string option, string? overridePath = null,
        string? fallback = null)
    {
        if (overridePath is not null) return overridePath;
        var named = FirstWord(metadata, key) ?? fallback
            ?? throw new MotiveFormatException(file, $"metadata has no '{key}' naming the file the run used; give {option} PATH");
        var path = Path.GetFullPath(named, Path.GetDirectoryName(Path.GetFullPath(file))!);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"{file}: {(metadata.ContainsKey(key) ? $"metadata '{key}' names" : $"the run's {key} would be")} {path}, which is not there; give {option} PATH");
        return path;
    }
}
