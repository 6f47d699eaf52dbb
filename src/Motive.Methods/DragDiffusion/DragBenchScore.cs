using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// DragBench's Mean Distance (drag_bench_evaluation/run_eval_point_matching.py): each handle's DIFT feature in the
/// source found in the dragged picture (cosine similarity, argmax), and its distance to the target in pixels, averaged
/// over the pairs. The features come from the loaded model's UNet (<see cref="FeatureSource"/> says so in the output;
/// the published scripts use SD 2.1, so numbers on other models are comparable among themselves, not with the paper's).
/// Image fidelity (1 − LPIPS) needs AlexNet's LPIPS weights, which Motive does not ship: not computed.
/// </summary>
public static class DragBenchScore
{
    public const string FeatureSource = "the run's own UNet: up_blocks.1 at t = 261, ensemble of 8, seed 42 (DragBench's scripts: SD 2.1)";

    public static (double MeanDistance, IReadOnlyList<(int X, int Y)> Matched) MeanDistance(StableDiffusionModel model, RgbImage source, RgbImage dragged,
        Tensor context, IReadOnlyList<DragPair> drags)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(42);
        var a = Dift.Features(model, ImageTensors.ToTensorPm1(source), context, generator);
        var b = Dift.Features(model, ImageTensors.ToTensorPm1(dragged), context, generator);
        var matched = drags.Select(d => Dift.Match(a, b, (int)Math.Round(d.X1), (int)Math.Round(d.Y1))).ToList();
        double md = drags.Zip(matched).Average(p => Math.Sqrt(Math.Pow(p.First.X2 - p.Second.X, 2) + Math.Pow(p.First.Y2 - p.Second.Y, 2)));
        return (md, matched);
    }
}
