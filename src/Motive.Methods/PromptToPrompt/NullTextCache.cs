using System.Security.Cryptography;
using System.Text;
using Motive.IO.Json;
using Motive.IO.Safetensors;
using Motive.Methods.Editing;
using static TorchSharp.torch;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// Null-text inversions kept for the next edit of the same picture (many word swaps on one picture): the key is a
/// hash of the picture as inverted (its pixels at the run size), the prompt, the model (<see cref="EditModels.Identity"/>)
/// and the inversion's settings; the value x_T and the per-step embeddings under &lt;cache&gt;/null-text/.
/// </summary>
public static class NullTextCache
{
    public static string PathFor(string cacheDir, byte[] pixels, int width, int height, string prompt, ModelRef model, object settings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{width}x{height}\n"));
        sha.AppendData(pixels);
        sha.AppendData(Encoding.UTF8.GetBytes("\n" + prompt + "\n" + EditModels.Identity(model) + "\n" + MotiveJson.Serialize(settings)));
        return Path.Combine(cacheDir, "null-text", Convert.ToHexStringLower(sha.GetHashAndReset())[..32] + ".safetensors");
    }

    /// <summary>x_T [1,4,h,w], the embeddings [N,1,77,D] and the inversion's reconstruction loss, or null when not cached.</summary>
    public static (Tensor XT, Tensor Uncond)? Load(string path)
    {
        if (!File.Exists(path)) return null;
        using var file = SafetensorsFile.Open(path);
        return (file.Tensors.Single(t => t.Name == "x_t").Load(), file.Tensors.Single(t => t.Name == "uncond").Load());
    }

    public static void Save(string path, Tensor xT, Tensor uncond)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + $".{Environment.ProcessId}.tmp";
        SafetensorsWriter.Write(temp, [KeyValuePair.Create("x_t", xT.cpu()), KeyValuePair.Create("uncond", uncond.cpu())], new Dictionary<string, string>());
        File.Move(temp, path, overwrite: true);
    }
}
