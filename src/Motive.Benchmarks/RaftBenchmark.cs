using Motive.Methods.Editing;
using Motive.Models.Raft;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Benchmarks;

/// <summary>
/// RAFT timing as Motion Guidance uses it: forward alone and forward + backward to both images (the energy's
/// gradient), measured side by side in one process on random images.
/// </summary>
public static class RaftBenchmark
{
    /// <summary>`motive bench raft`: forward and forward + backward side by side, and with --phases each phase alone.</summary>
    public static Tool Bench { get; } = new("raft", "RAFT forward and forward+backward time, side by side.",
        [
            ToolOption.Text("--raft", "A RAFT checkpoint (default: RAFT-large with random weights)."), BenchModel.Size(512, "Image side in pixels."),
            ToolOption.Integer("--iters", "GRU iterations (Motion Guidance uses 5).", 5), ToolOption.Integer("--repeats", "Timed calls per configuration.", 3),
            BenchModel.Device,
            ToolOption.Flag("--phases", "Also time each phase alone (encoders, correlation, update block), forward and forward + backward."),
        ],
        (a, o, log) =>
        {
            var dev = BenchModel.ParseDevice(a.Text("--device")!);
            int size = a.Integer("--size"), iters = a.Integer("--iters"), repeats = a.Integer("--repeats");
            using var model = a.Text("--raft") is { } path ? RaftLoader.Load(path) : RandomLarge(dev);
            model.to(dev);
            o.WriteLine($"RAFT{(model.Config.Small ? "-small" : "-large")}, {size}², {iters} iterations, fp32, {dev}{BenchModel.CpuNote(dev)}");
            var rows = Run(model, size, iters, repeats, dev, log);
            o.WriteLine($"{"configuration",-48} {"ms/call",10} {"vs forward",12}");
            foreach (var row in rows) o.WriteLine($"{row.Name,-48} {row.MsPerCall,10:0.0} {row.MsPerCall / rows[0].MsPerCall,11:0.00}x");
            if (!a.Flag("--phases")) return;
            var parts = RaftPhaseBenchmark.Run(model, size, iters, repeats, dev, log);
            o.WriteLine();
            o.WriteLine($"{"phase (alone, on the shapes of the call above)",-48} {"forward ms",10} {"fwd+bwd ms",10} {"bwd/fwd",8}");
            foreach (var p in parts) o.WriteLine($"{p.Name,-48} {p.ForwardMs,10:0.0} {p.ForwardBackwardMs,10:0.0} {(p.ForwardBackwardMs - p.ForwardMs) / p.ForwardMs,7:0.00}x");
            o.WriteLine($"{"sum of the phases",-48} {parts.Sum(p => p.ForwardMs),10:0.0} {parts.Sum(p => p.ForwardBackwardMs),10:0.0}");
        });

    public static List<BenchRow> Run(RaftModel raft, int size, int iters, int repeats, Device device, Action<string>? log = null)
    {
        var g = new Generator(0);
        using var a = (rand([1, 3, size, size], generator: g) * 255).to(device);
        using var b = (rand([1, 3, size, size], generator: g) * 255).to(device);
        var forward = BenchTimer.Time("RAFT forward", () =>
        {
            using var _ = no_grad();
            raft.Forward(a, b, iters);
        }, repeats, device, log);
        var backward = BenchTimer.Time("RAFT forward + backward to both images", () =>
        {
            var x = a.detach().requires_grad_(true);
            var y = b.detach().requires_grad_(true);
            var (_, up) = raft.Forward(x, y, iters);
            autograd.grad([up.abs().mean()], [x, y]);
        }, repeats, device, log);
        return [forward, backward];
    }

    /// <summary>RAFT-large with random weights (the architecture is fixed; weights do not change the work).</summary>
    public static RaftModel RandomLarge(Device device)
    {
        manual_seed(0);
        var raft = new RaftModel(RaftConfig.Large);
        raft.to(device).eval();
        return raft;
    }
}
