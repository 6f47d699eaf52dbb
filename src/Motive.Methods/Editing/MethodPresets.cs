using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO;
using Motive.IO.Json;

namespace Motive.Methods.Editing;

/// <summary>
/// A model's own defaults for each method: <c>motive.json</c> beside model_index.json, e.g.
/// <c>{"motion-guidance": {"steps": 100, "recursions": 2, "cfg": 3, "clip_grad": 200, "mask_margin": 0}}</c>. The
/// embedded model carries its tuned toy preset; a model without the file (every Stable Diffusion checkpoint) runs
/// each method at its reference's settings.
/// </summary>
public static class MethodPresets
{
    public const string FileName = "motive.json";

    /// <summary>The file of a model folder (null for a single-file checkpoint or a folder without one).</summary>
    public static string? FileOf(string modelPath) =>
        Directory.Exists(modelPath) && File.Exists(Path.Combine(modelPath, FileName)) ? Path.Combine(modelPath, FileName) : null;

    /// <summary>The preset of <paramref name="method"/> in the model at <paramref name="modelPath"/>, or null.</summary>
    public static T? For<T>(string modelPath, string method) where T : class
    {
        var file = FileOf(modelPath);
        if (file is null) return null;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new MotiveFormatException(file, "must be a JSON object of method presets");
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(file, "is not valid JSON: " + MotiveJson.Describe(e));
        }
        return root[method] is { } node ? MotiveJson.Parse<T>(node.ToJsonString(), $"{file} ({method})") : null;
    }
}
