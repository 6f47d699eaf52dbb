using System.Security.Cryptography;
using System.Text;
using Motive.IO.Json;
using Motive.Methods.Editing;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// Per-image LoRAs kept for the next drag of the same picture (the interactive workflow: many drags on one image):
/// the key is a hash of the image as trained on (its pixels at the run size), the prompt, the model (its path and the
/// size and time of every file in it) and the LoRA settings; the value a diffusers-format LoRA file under
/// &lt;cache&gt;/drag-lora/. A changed picture, prompt, model file or setting gives another key.
/// </summary>
public static class LoraCache
{
    public static string PathFor(string cacheDir, byte[] pixels, int width, int height, string prompt, ModelRef model, LoraSettings settings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{width}x{height}\n"));
        sha.AppendData(pixels);
        sha.AppendData(Encoding.UTF8.GetBytes("\n" + prompt + "\n" + ModelIdentity(model) + "\n" + MotiveJson.Serialize(settings)));
        var key = Convert.ToHexStringLower(sha.GetHashAndReset())[..32];
        return Path.Combine(cacheDir, "drag-lora", key + ".safetensors");
    }

    private static string ModelIdentity(ModelRef model)
    {
        var path = Path.GetFullPath(model.Path ?? Models.Loading.EmbeddedModel.Dir);
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}training{Path.DirectorySeparatorChar}")).Order(StringComparer.Ordinal)
            : new[] { path }.AsEnumerable();
        var sb = new StringBuilder(path).Append('|').Append(model.Dtype).Append('|').Append(model.Variant);
        foreach (var f in files)
        {
            var info = new FileInfo(f);
            sb.Append('|').Append(Path.GetRelativePath(path, f)).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
        }
        return sb.ToString();
    }
}
