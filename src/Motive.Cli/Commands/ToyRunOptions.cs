using System.CommandLine;
using Motive.ToyWorld;

namespace Motive.Cli.Commands;

/// <summary>
/// The options `motive demo` and `motive eval toy` share, mapped to the toy world's <see cref="ToyOverrides"/> (each
/// left out comes from the toy model's preset, its motive.json).
/// </summary>
public sealed class ToyRunOptions
{
    public readonly Option<int?> Steps = new("--steps") { Description = "DDIM steps (default: the model's preset)." };
    public readonly Option<int?> Recursions = new("--recursions") { Description = "Recursive denoising repeats per step (default: the model's preset)." };
    public readonly Option<double?> Weight = new("--guidance-weight") { Description = "Weight of the energy gradient (default: the model's preset)." };
    public readonly Option<double?> Scale = new("--cfg", "--scale") { Description = "Classifier-free guidance scale; the source is inverted at 1 (default: the model's preset)." };
    public readonly Option<bool> OracleFlow = new("--oracle-flow") { Description = "Warp by the target flow in the colour loss, not by RAFT's estimate." };
    public readonly Option<int?> MaskMargin = new("--mask-margin") { Description = "Dilation of the edit region around the cells the flow touches, in latent cells (8 px; default: the model's preset)." };
    public readonly Option<double?> Clip = new("--clip-grad") { Description = "Clip the guidance gradient's norm to this, 0 = no clipping (default: the model's preset)." };
    public readonly Option<string?> Model = new("--model") { Description = "A toy model folder (default: the embedded one)." };
    public readonly Option<string?> Raft = new("--raft") { Description = "A RAFT checkpoint (default: the toy RAFT of the model folder)." };

    public void AddTo(Command c)
    {
        foreach (var o in new Option[] { Steps, Recursions, Weight, Scale, OracleFlow, MaskMargin, Clip, Model, Raft }) c.Add(o);
    }

    /// <summary>What the command line gave; the rest stays null for the preset to fill.</summary>
    public ToyOverrides Overrides(ParseResult r) => new(
        r.GetValue(Steps), r.GetValue(Recursions), r.GetValue(Weight), r.GetValue(Scale), r.GetValue(OracleFlow),
        r.GetValue(MaskMargin), r.GetValue(Clip), r.GetValue(Model), r.GetValue(Raft));
}
