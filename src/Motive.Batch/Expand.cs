using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO;
using Motive.IO.Json;
using Motive.Methods.Editing;

namespace Motive.Batch;

/// <summary>
/// Manifests made from a description: a sweep (the cartesian product of settings over inputs, on a base request)
/// or a tree of a method's case folders (<see cref="CaseFolders"/>: one item per case, e.g. DragBench's).
/// </summary>
public static class Expand
{
    /// <summary>
    /// A sweep file: <c>{"id": "mg", "base": {request}, "vary": {"settings.guidance_weight": [100, 300], "source.image": ["a.png", "b.png"]}}</c>.
    /// Paths are dotted field names of the request; the first key varies slowest. Items are "ID-000", "ID-001", ….
    /// </summary>
    public static IReadOnlyList<ManifestItem> Sweep(string path)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, "no such file");
        JsonObject spec;
        try
        {
            spec = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MotiveFormatException(path, "must be a JSON object with \"base\" and \"vary\"");
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(path, "is not valid JSON: " + MotiveJson.Describe(e));
        }
        var prefix = spec["id"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(path);
        Manifest.CheckId(prefix, path);
        var baseRequest = spec["base"] as JsonObject ?? throw new MotiveFormatException(path, "has no \"base\" request");
        var vary = spec["vary"] as JsonObject ?? new JsonObject();
        foreach (var (key, values) in vary)
            if (values is not JsonArray { Count: > 0 }) throw new MotiveFormatException(path, $"\"vary\" \"{key}\" must be a non-empty list of values");
        foreach (var extra in spec.Select(p => p.Key).Except(["id", "base", "vary"]))
            throw new MotiveFormatException(path, $"has an unknown field \"{extra}\" (a sweep has id, base and vary)");

        var axes = vary.Select(p => (Path: p.Key, Values: p.Value!.AsArray())).ToList();
        long total = axes.Aggregate(1L, (n, a) => n * a.Values.Count);
        if (total > 100_000) throw new MotiveFormatException(path, $"makes {total} items; a sweep is at most 100,000");
        var items = new List<ManifestItem>();
        for (long n = 0; n < total; n++)
        {
            var request = baseRequest.DeepClone().AsObject();
            long rest = n;
            for (int a = axes.Count - 1; a >= 0; a--)
            {
                var values = axes[a].Values;
                Set(request, axes[a].Path, values[(int)(rest % values.Count)]?.DeepClone(), path);
                rest /= values.Count;
            }
            var id = $"{prefix}-{n.ToString().PadLeft(Math.Max(3, (total - 1).ToString().Length), '0')}";
            items.Add(new ManifestItem(id, EditJson.Parse(request.ToJsonString(), $"{path} (item {id})")));
        }
        return items;
    }

    private static void Set(JsonObject request, string dotted, JsonNode? value, string what)
    {
        var parts = dotted.Split('.');
        if (parts.Any(p => p.Length == 0)) throw new MotiveFormatException(what, $"\"vary\" has the path '{dotted}': use dotted field names, e.g. settings.steps");
        var node = request;
        foreach (var p in parts[..^1])
        {
            if (node[p] is not JsonObject child)
            {
                if (node[p] is not null) throw new MotiveFormatException(what, $"\"vary\" '{dotted}': '{p}' is not an object in the base request");
                node[p] = child = new JsonObject();
            }
            node = child;
        }
        node[parts[^1]] = value;
    }

    /// <summary>
    /// One item of <paramref name="method"/> per case folder under <paramref name="root"/> (folders holding every file its
    /// <see cref="CaseFolders"/> names), named by their path; case paths relative to <paramref name="manifestDir"/>.
    /// </summary>
    public static IReadOnlyList<ManifestItem> Cases(IEditMethod method, string root, string manifestDir, JsonObject? settings = null)
    {
        var spec = method.Description.Cases ?? throw new ArgumentException($"method {method.Name} reads no case folders");
        if (!Directory.Exists(root)) throw new MotiveFormatException(root, "no such folder");
        var cases = Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root)
            .Where(d => spec.Files.All(f => File.Exists(Path.Combine(d, f))))
            .Order(StringComparer.Ordinal).ToList();
        if (cases.Count == 0) throw new MotiveFormatException(root, $"holds no {spec.Name} case folders ({string.Join(" + ", spec.Files)})");
        return cases.Select(dir =>
        {
            var name = Path.GetRelativePath(root, dir);
            var id = new string((name == "." ? Path.GetFileName(Path.GetFullPath(root)) : name).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray()).TrimStart('.');
            var request = new JsonObject { ["method"] = method.Name, [spec.Key] = Path.GetRelativePath(manifestDir, dir) };
            if (settings is not null) request["settings"] = settings.DeepClone();
            return new ManifestItem(id, EditJson.Parse(request.ToJsonString(), dir));
        }).ToList();
    }
}
