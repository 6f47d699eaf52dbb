using System.Security.Cryptography;
using System.Text;
using Motive.IO.Json;

namespace Motive.Methods.Editing;

/// <summary>
/// Where a per-picture product (DragDiffusion's LoRA, a null-text inversion) is kept for the next edit of the same
/// picture: &lt;cache&gt;/&lt;kind&gt;/&lt;key&gt;.safetensors, the key a hash of the picture as used (its pixels at the run
/// size), the prompt, the model (<see cref="EditModels.Identity"/>) and the settings. A change to any gives another key.
/// </summary>
public static class CacheKeys
{
    public static string PathFor(string cacheDir, string kind, byte[] pixels, int width, int height, string prompt, ModelRef model, object settings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{width}x{height}\n"));
        sha.AppendData(pixels);
        sha.AppendData(Encoding.UTF8.GetBytes("\n" + prompt + "\n" + EditModels.Identity(model) + "\n" + MotiveJson.Serialize(settings)));
        return Path.Combine(cacheDir, kind, Convert.ToHexStringLower(sha.GetHashAndReset())[..32] + ".safetensors");
    }
}
