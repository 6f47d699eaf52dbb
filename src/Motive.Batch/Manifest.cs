using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO;
using Motive.Methods.Editing;

namespace Motive.Batch;

/// <summary>One line of a manifest: its id (the item's folder name) and the edit request, with the request's hash.</summary>
public sealed record ManifestItem(string Id, EditRequest Request)
{
    /// <summary>What "the same request" means for resuming: SHA-256 of the request as serialised, 16 hex digits.</summary>
    public string Hash { get; } = RequestHash(Request);

    public static string RequestHash(EditRequest request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EditJson.Serialize(request, indented: false))))[..16];
}

/// <summary>
/// A manifest: JSON Lines, one edit request per line (the JSON `motive run` reads) with an <c>"id"</c>; blank lines
/// and lines starting with <c>#</c> are skipped. Ids are folder names, so they are plain and unique; input names are
/// relative to the manifest's folder.
/// </summary>
public static class Manifest
{
    public const string IdKey = "id";

    public static IReadOnlyList<ManifestItem> Read(string path)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, Directory.Exists(path) ? "is a folder; give a manifest .jsonl" : "no such file");
        var items = new List<ManifestItem>();
        var seen = new HashSet<string>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim() is "" or ['#', ..]) continue;
            var what = $"{path} line {number}";
            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject ?? throw new MotiveFormatException(what, "must be one JSON object (an edit request with an \"id\")");
            }
            catch (JsonException e)
            {
                throw new MotiveFormatException(what, "is not valid JSON: " + Motive.IO.Json.MotiveJson.Describe(e));
            }
            if (obj[IdKey] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String)
                throw new MotiveFormatException(what, "has no \"id\" (a name for the item's result folder)");
            var id = idValue.GetValue<string>();
            CheckId(id, what);
            if (!seen.Add(id)) throw new MotiveFormatException(what, $"repeats the id '{id}'");
            obj.Remove(IdKey);
            items.Add(new ManifestItem(id, EditJson.Parse(obj.ToJsonString(), what)));
        }
        if (items.Count == 0) throw new MotiveFormatException(path, "holds no edit requests");
        return items;
    }

    /// <summary>Writes <paramref name="items"/> as JSON Lines, atomically.</summary>
    public static void Write(string path, IEnumerable<ManifestItem> items)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            var node = new JsonObject { [IdKey] = item.Id };
            foreach (var (k, v) in EditJson.ToNode(item.Request)) node[k] = v?.DeepClone();
            text.Append(node.ToJsonString()).Append('\n');
        }
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    public static void CheckId(string id, string what)
    {
        if (id.Length is 0 or > 120 || id[0] == '.' || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new MotiveFormatException(what, $"has the id '{id}': ids name folders, so use letters, digits, '-', '_' and '.' (not first), at most 120");
    }
}
