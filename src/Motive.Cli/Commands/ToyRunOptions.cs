using System.CommandLine;
using Motive.Methods.MotionGuidance;

namespace Motive.Cli.Commands;

/// <summary>The options `motive demo` and `motive bench toy` share: the preset's knobs and which toy models to use.</summary>
public sealed class ToyRunOptions
{
    /// <summary>
    /// The fast preset: what fits the demo's CPU budget (the reference runs 500 steps × 10 recursions). Clip 50, not the
    /// reference's 200: the clip bounds the gradient's norm over the whole latent, and 16² latents have 16× fewer
    /// elements than SD's 64², so 200 is 4× stronger per element. With it, and the edit region not dilated (a cell is
    /// 8 px of a 128 px scene), the 10-edit bench improved on every metric (models/toy/README.md).
    /// </summary>
    public static MotionGuidanceSettings Fast => new() { Steps = 40, Recursions = 2, Cfg = 3, GuidanceWeight = 300, ClipGrad = 50 };

    /// <summary>The preset's edit-mask margin (latent cells).</summary>
    public const int FastMaskMargin = 0;

    public readonly Option<int> Steps = new("--steps") { DefaultValueFactory = _ => Fast.Steps, Description = "DDIM steps." };
    public readonly Option<int> Recursions = new("--recursions") { DefaultValueFactory = _ => Fast.Recursions, Description = "Recursive denoising repeats per step." };
    public readonly Option<double> Weight = new("--guidance-weight") { DefaultValueFactory = _ => Fast.GuidanceWeight };
    public readonly Option<double> Scale = new("--scale") { DefaultValueFactory = _ => Fast.Cfg, Description = "Classifier-free guidance scale (the source is inverted at 1)." };
    public readonly Option<bool> OracleFlow = new("--oracle-flow") { DefaultValueFactory = _ => Fast.OracleFlow, Description = "Warp by the target flow in the colour loss, not by RAFT's estimate." };
    public readonly Option<int> MaskMargin = new("--mask-margin") { DefaultValueFactory = _ => FastMaskMargin, Description = "Dilation of the edit region around the cells the flow touches, in latent cells (8 px)." };
    public readonly Option<double> Clip = new("--clip-grad") { DefaultValueFactory = _ => Fast.ClipGrad, Description = "Clip the guidance gradient's norm to this (0 = no clipping)." };
    public readonly Option<string?> Model = new("--model") { Description = "A toy model folder (default: the embedded one)." };
    public readonly Option<string?> Raft = new("--raft") { Description = "A RAFT checkpoint (default: the embedded toy RAFT)." };

    public void AddTo(Command c)
    {
        foreach (var o in new Option[] { Steps, Recursions, Weight, Scale, OracleFlow, MaskMargin, Clip, Model, Raft }) c.Add(o);
    }

    public MotionGuidanceSettings Settings(ParseResult r) =>
        Fast with { Steps = r.GetValue(Steps), Recursions = r.GetValue(Recursions), GuidanceWeight = r.GetValue(Weight), Cfg = r.GetValue(Scale), OracleFlow = r.GetValue(OracleFlow), ClipGrad = r.GetValue(Clip) };
}
