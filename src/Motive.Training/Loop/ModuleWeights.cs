using Motive.IO.Safetensors;
using static TorchSharp.torch;

namespace Motive.Training.Loop;

/// <summary>A module's weights as one safetensors file: fp16 for shipping, fp32 (<c>full</c>) for a checkpoint to resume from.</summary>
public static class ModuleWeights
{
    public static void Save(string path, nn.Module module, string prefix = "", bool full = false, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = module.state_dict().Select(kv => KeyValuePair.Create(prefix + kv.Key, kv.Value.detach().to(full ? float32 : float16).cpu())).ToList();
        var meta = new Dictionary<string, string> { ["format"] = "pt" };
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) meta[k] = v;
        SafetensorsWriter.Write(path, tensors, meta);
        foreach (var kv in tensors) kv.Value.Dispose();
    }
}
