using System.Text.Json;
using Motive.IO.Checkpoints;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.IO.Numpy;
using Motive.IO.StateDicts;
using Motive.IO.Tensors;

namespace Motive.IO.Inspection;

/// <summary>
/// Tells what a file or folder is (diffusers model folder, single-file SD checkpoint, RAFT checkpoint,
/// flow, mask or latent tensor, image) and lists its tensors. Reads headers only, never whole weights.
/// </summary>
public static class FileInspector
{
    static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public static InspectionReport Inspect(string path)
    {
        if (Directory.Exists(path)) return InspectFolder(path);
        if (!File.Exists(path)) throw new MotiveFormatException(path, "no such file or folder");

        Span<byte> head = stackalloc byte[16];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        var ext = Path.GetExtension(path).ToLowerInvariant();

        if (ImageReader.Sniff(head) is { } format) return InspectImage(path, format);
        if (ext == ".flo" || NpyFile.Sniff(head)) return InspectFlowOrArray(path, ext);
        if (ext is ".png" or ".jpg" or ".jpeg" or ".bmp") throw new ImageFormatException(path, "not a PNG, JPEG or BMP image");

        StateDict? opened = null;
        if (WeightFileKinds.Sniff(head) is WeightFileKind.TorchZip or WeightFileKind.TorchLegacy)
        {
            // One parse of the pickle serves both cases: a single tensor (flow, mask, latent) or a state dict.
            var ck = TorchCheckpoint.Open(path);
            if (ck.Root is not Pickle.PickleDict)
                using (ck) return SingleTensor(path, $"PyTorch {ck.Format} file", CheckpointTensors.Single(ck));
            opened = StateDict.FromCheckpoint(ck);
        }
        using var sd = opened ?? StateDict.Open(path);
        var summaries = sd.Tensors.Select(TensorSummary.Of).ToList();
        if (sd.Format == "safetensors" && summaries is [{ Name: "flow" }] or [{ Name: "flow" }, ..])
            return SingleTensor(path, "safetensors file", sd["flow"], summaries, sd.Metadata);

        var what = WeightLayouts.Describe(sd.Keys.ToList(), out var facts);
        facts.Insert(0, new("format", sd.Format));
        facts.Add(new("tensors", sd.Count.ToString()));
        facts.Add(new("parameters", summaries.Sum(t => t.NumElements).ToString("N0")));
        facts.Add(new("dtypes", string.Join(", ", summaries.GroupBy(t => t.DType).Select(g => $"{g.Key} ×{g.Count()}"))));
        return new InspectionReport(path, what, facts, summaries, sd.Metadata, []);
    }

    private static InspectionReport InspectFolder(string path)
    {
        var index = Path.Combine(path, "model_index.json");
        if (!File.Exists(index)) throw new MotiveFormatException(path, "folder has no model_index.json (not a diffusers model folder)");
        var facts = new List<KeyValuePair<string, string>>();
        var parts = new List<InspectionReport>();
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
            if (doc.RootElement.TryGetProperty("_class_name", out var cls)) facts.Add(new("pipeline", cls.ToString()));
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Name.StartsWith('_') || p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() != 2 ||
                    p.Value[1].ValueKind != JsonValueKind.String) continue;
                facts.Add(new(p.Name, $"{p.Value[1].GetString()} ({p.Value[0]})"));
                var dir = Path.Combine(path, p.Name);
                if (!Directory.Exists(dir)) { facts.Add(new(p.Name + " folder", "missing")); continue; }
                foreach (var w in Directory.EnumerateFiles(dir).Where(IsWeightFile).Order(StringComparer.Ordinal))
                    parts.Add(Inspect(w));
            }
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(index, $"not valid JSON ({e.Message.Split('\n')[0]})");
        }
        return new InspectionReport(path, "diffusers model folder", facts, [], NoMetadata, parts);
    }

    private static bool IsWeightFile(string f) =>
        Path.GetExtension(f).ToLowerInvariant() is ".safetensors" or ".bin" or ".ckpt" or ".pth";

    private static InspectionReport InspectImage(string path, string format)
    {
        var img = ImageReader.Read(path);
        var facts = new List<KeyValuePair<string, string>> { new("format", format), new("size", $"{img.Width}x{img.Height}") };
        var text = format == "PNG" ? PngText.Read(path) : new Dictionary<string, string>();
        return new InspectionReport(path, "image", facts, [], text, []);
    }

    private static InspectionReport InspectFlowOrArray(string path, string ext)
    {
        if (ext == ".flo") return FlowReport(path, "Middlebury .flo");
        TorchSharp.torch.Tensor t;
        try { t = NpyFile.Read(File.ReadAllBytes(path)); }
        catch (FormatException e) { throw new FlowFormatException(path, e.Message, e); }
        using var _ = t;
        bool looksLikeFlow = t.dim() == 3 && (t.shape[0] == 2 || t.shape[2] == 2) && t.is_floating_point();
        if (looksLikeFlow) return FlowReport(path, ".npy");
        var s = new TensorSummary("array", DTypes.FromTorch(t.dtype), t.shape);
        return new InspectionReport(path, "numpy array", [new("format", ".npy")], [s], NoMetadata, []);
    }

    private static InspectionReport FlowReport(string path, string format)
    {
        using var flow = FlowFile.Read(path);
        var facts = new List<KeyValuePair<string, string>> { new("format", format) };
        facts.AddRange(FlowFacts(flow));
        return new InspectionReport(path, "optical flow", facts, [new("flow", DType.F32, flow.shape)], NoMetadata, []);
    }

    private static IEnumerable<KeyValuePair<string, string>> FlowFacts(TorchSharp.torch.Tensor flow)
    {
        // dim: must be named: TorchSharp's sum(0) binds to sum(ScalarType.Byte) and wraps around.
        using var mag = flow.square().sum(dim: 0).sqrt();
        yield return new("size", $"{flow.shape[2]}x{flow.shape[1]} (W x H)");
        yield return new("max displacement", $"{mag.max().item<float>():0.###} px");
        yield return new("moving pixels", $"{mag.gt(1e-6f).sum().item<long>():N0} of {flow.shape[1] * flow.shape[2]:N0}");
    }

    /// <summary>A file holding one tensor: a flow (…,2,H,W), a latent-space edit mask (1,4,h,w) bool, or a latent.</summary>
    private static InspectionReport SingleTensor(string path, string format, TensorRef t,
        List<TensorSummary>? all = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var s = TensorSummary.Of(t);
        if (s.Name == "") s = s with { Name = "(tensor)" };
        var facts = new List<KeyValuePair<string, string>> { new("format", format) };
        string kind;
        if (t.DType.IsFloatingPoint() && t.Shape is [1, 2, _, _] or [2, _, _] or [_, _, 2])
        {
            kind = "optical flow";
            using var flow = FlowFile.Read(path);
            facts.AddRange(FlowFacts(flow));
        }
        else if (t.DType == DType.BOOL && t.Shape is [1, 4, _, _])
            kind = "latent-space edit mask (Motion Guidance: True = keep)";
        else if (t.DType.IsFloatingPoint() && t.Shape is [1, 4, _, _])
            kind = "latent tensor (1, 4, h, w)";
        else
            kind = "tensor";
        return new InspectionReport(path, kind, facts, all ?? [s], metadata ?? NoMetadata, []);
    }
}
