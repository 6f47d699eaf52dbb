using System.Text.RegularExpressions;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using Motive.IO.Tensors;
using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Unet;

/// <summary>
/// LoRA on the UNet's attention projections (to_q, to_k, to_v, to_out.0), in the diffusers file format
/// (<c>unet.&lt;attention&gt;.&lt;proj&gt;.lora.down/up.weight</c>; peft's <c>lora_A/lora_B</c> and <c>.alpha</c> keys are read too).
/// </summary>
public static partial class UnetLora
{
    static readonly string[] Projections = ["to_q", "to_k", "to_v", "to_out.0"];

    /// <summary>
    /// A handle on the UNet's adapter slots as they are now: disposing it puts them back, so an edit that attaches a
    /// LoRA to a shared model (a server's, a batch worker's) leaves it as found.
    /// </summary>
    public static IDisposable Keep(UNet2DConditionModel unet) => new Slots(unet);

    /// <summary><see cref="Load"/> until the returned handle is disposed.</summary>
    public static IDisposable Attach(UNet2DConditionModel unet, string path, double scale = 1.0)
    {
        var keep = Keep(unet);
        try
        {
            Load(unet, path, scale);
            return keep;
        }
        catch
        {
            keep.Dispose();
            throw;
        }
    }

    private sealed class Slots(UNet2DConditionModel unet) : IDisposable
    {
        private readonly List<(Attention A, LoraSet? Lora)> saved = unet.Attentions.Select(a => (a, a.Lora)).ToList();

        public void Dispose()
        {
            foreach (var (a, lora) in saved)
            {
                if (!ReferenceEquals(a.Lora, lora) && a.Lora is { } added)
                    foreach (var adapter in added.Adapters.Values) adapter.Dispose();
                a.Lora = lora;
            }
        }
    }

    /// <summary>Attaches the adapters of a LoRA file; <paramref name="scale"/> multiplies their effect (0 turns them off).</summary>
    public static void Load(UNet2DConditionModel unet, string path, double scale = 1.0)
    {
        using var sd = StateDict.Open(path);
        var byPath = unet.Attentions.ToDictionary(a => a.Path);
        var groups = new Dictionary<(string Attn, string Proj), (TensorRef? Down, TensorRef? Up, TensorRef? Alpha)>();
        foreach (var t in sd.Tensors)
        {
            var m = Key().Match(t.Name);
            if (!m.Success) throw new MotiveFormatException(path, $"'{t.Name}' is not a UNet attention LoRA weight");
            var k = (m.Groups[1].Value, m.Groups[2].Value);
            groups.TryGetValue(k, out var g);
            var which = m.Groups[3].Value;
            groups[k] = which switch
            {
                "lora.down.weight" or "lora_A.weight" => g with { Down = t },
                "lora.up.weight" or "lora_B.weight" => g with { Up = t },
                _ => g with { Alpha = t },
            };
        }
        var device = unet.parameters().First().device;
        var dtype = unet.parameters().First().dtype;
        foreach (var attn in groups.GroupBy(g => g.Key.Attn))
        {
            if (!byPath.TryGetValue(attn.Key, out var target)) throw new MotiveFormatException(path, $"LoRA names '{attn.Key}', which this UNet does not have");
            var adapters = new Dictionary<string, LoraLinear>();
            foreach (var ((_, proj), (down, up, alpha)) in attn)
            {
                if (down is null || up is null) throw new MotiveFormatException(path, $"LoRA for {attn.Key}.{proj} lacks its down or up matrix");
                long rank = down.Shape[0];
                double mult = 1.0;
                if (alpha is not null) { using var a = alpha.Load(float32); mult = a.item<float>() / rank; }
                var adapter = new LoraLinear(down.Shape[1], up.Shape[0], rank, mult);
                WeightLoading.Load(adapter, new Dictionary<string, TensorRef> { ["down.weight"] = down.WithName("down.weight"), ["up.weight"] = up.WithName("up.weight") }, path);
                adapter.to(dtype).to(device);
                adapters[proj] = adapter;
            }
            target.Lora = new LoraSet(adapters, scale);
        }
    }

    /// <summary>New adapters of rank <paramref name="rank"/> on every attention projection (up = 0: no change yet).</summary>
    public static IReadOnlyList<Parameter> Create(UNet2DConditionModel unet, long rank, double scale = 1.0)
    {
        var p0 = unet.parameters().First();
        var trainable = new List<Parameter>();
        foreach (var a in unet.Attentions)
        {
            var shapes = a.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
            var adapters = Projections.ToDictionary(p => p, p =>
            {
                var w = shapes[$"{p}.weight"];
                var adapter = new LoraLinear(w[1], w[0], rank);
                adapter.to(p0.dtype).to(p0.device);
                trainable.AddRange(adapter.parameters());
                return adapter;
            });
            a.Lora = new LoraSet(adapters, scale);
        }
        return trainable;
    }

    /// <summary>Writes the attached adapters in the diffusers format (readable by diffusers' load_lora_weights).</summary>
    public static void Save(UNet2DConditionModel unet, string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var a in unet.Attentions.Where(a => a.Lora is not null))
            foreach (var (proj, adapter) in a.Lora!.Adapters)
                foreach (var (name, p) in adapter.named_parameters())
                    tensors.Add(new($"unet.{a.Path}.{proj}.lora.{name}", p.detach()));
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>Removes every adapter.</summary>
    public static void Clear(UNet2DConditionModel unet)
    {
        foreach (var a in unet.Attentions) a.Lora = null;
    }

    [GeneratedRegex(@"^(?:unet\.)*(.+)\.(to_q|to_k|to_v|to_out\.0)\.(lora\.down\.weight|lora\.up\.weight|lora_A\.weight|lora_B\.weight|alpha)$")]
    private static partial Regex Key();
}
