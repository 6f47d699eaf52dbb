using System.CommandLine;
using Motive.Cli.Progress;
using Motive.IO;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Methods.MotionGuidance;
using Motive.Models.Flow;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Cli.Commands.Move;

/// <summary>
/// The prepared inputs of one `motive move`: source (1,3,H,W) in [-1,1] at the run size, target flow (2,H,W),
/// keep mask (1,4,h,w) or null, z_T, cached trajectory or null, the size rule applied, and a description.
/// </summary>
public sealed record MoveRun(Tensor Source, Tensor TargetFlow, Tensor? KeepMask, Tensor StartLatent, Tensor? Trajectory,
    InputSizing Sizing, IReadOnlyDictionary<string, object?> Description) : IDisposable
{
    public MotionGuidanceInputs Inputs => new(Source, TargetFlow.unsqueeze(0), KeepMask, StartLatent, Trajectory);

    /// <summary>Reads or makes the source (example folder, real image through inversion, or generated), the flow and the mask.</summary>
    public static MoveRun Prepare(ParseResult r, MoveOptions o, StableDiffusionModel model, long minimumSide, MotionGuidanceSettings settings,
        TextWriter stderr, CancellationToken cancel)
    {
        string? dir = r.GetValue(o.InputDir), imagePath = r.GetValue(o.Image);
        if (dir is not null && imagePath is not null) throw new ArgumentException("give --input-dir or --image, not both");
        bool cached = r.GetValue(o.UseCachedLatents), fresh = r.GetValue(o.NoInitStartZt);
        long seed = r.GetValue(o.Seed);
        var prompt = r.GetValue(o.Prompt)!;
        var description = new Dictionary<string, object?>();
        Tensor source;
        Tensor? start, trajectory;
        InputSizing sizing;
        RgbImage? picture = null;
        if (dir is not null)
        {
            (source, start, trajectory) = ExampleFolder.Read(dir, settings.Steps, cached, fresh);
            sizing = InputSizing.For(source.shape[3], source.shape[2]);
            if (sizing.Resizes) throw new MotiveFormatException(Path.Combine(dir, "pred.png"), $"is {sizing.Width}x{sizing.Height}; an example folder's latents fix the size, which must be a multiple of 64 on both sides");
            CheckSize(sizing, minimumSide, Path.Combine(dir, "pred.png"));
            description["kind"] = "example folder";
            description["input_dir"] = dir;
        }
        else if (imagePath is not null)
        {
            picture = ImageReader.Read(imagePath);
            sizing = InputSizing.For(picture.Width, picture.Height);
            CheckSize(sizing, minimumSide, imagePath);
            using (var x = ImageTensors.ToTensorPm1(picture)) source = sizing.Image(x);
            using var src = ConsoleProgress.Run("invert", settings.Steps, "steps", stderr,
                p => MotionGuidanceSource.Invert(model, source, prompt, settings, onStep: (d, _) => p.Report(d), cancel: cancel));
            start = fresh ? null : src.StartLatent.clone();
            trajectory = cached ? src.Trajectory!.clone() : null;
            description["kind"] = "real image, DDIM-inverted with the run's schedule";
            description["image"] = imagePath;
        }
        else
        {
            var (w, h) = r.GetValue(o.Size) is { } size ? FlowBuilderOptions.Pair(size, "--size", 'x') : (model.NativeSize, model.NativeSize);
            sizing = InputSizing.For((long)w, (long)h);
            CheckSize(sizing, minimumSide, "--size");
            using var src = ConsoleProgress.Run("generate source", settings.Steps, "steps", stderr,
                p => MotionGuidanceSource.Generate(model, prompt, seed, sizing.TargetWidth, sizing.TargetHeight, settings, (d, _) => p.Report(d), cancel));
            source = src.Image.clone();
            start = fresh ? null : src.StartLatent.clone();
            trajectory = cached ? src.Trajectory!.clone() : null;
            description["kind"] = "generated from the prompt";
        }
        long lh = sizing.TargetHeight / 8, lw = sizing.TargetWidth / 8;
        start ??= randn([1, 4, lh, lw], generator: new Generator((ulong)seed));
        description["z_T"] = fresh ? $"fresh noise, seed {seed}" : "the source's";
        description["cached_latents"] = trajectory is not null;
        if (sizing.Resizes) stderr.WriteLine($"motive: resized the input {sizing} (sides to the nearest multiple of 64); flows and masks follow");

        var flow = ReadTargetFlow(r, o, dir, sizing, picture);
        var keep = ReadKeepMask(r, o, dir, flow, lh, lw);
        description["edit_mask"] = keep is null ? "none" : r.GetValue(o.EditMask);
        return new MoveRun(source, flow, keep, start, trajectory, sizing, description);
    }

    private static void CheckSize(InputSizing sizing, long minimumSide, string what)
    {
        if (sizing.TargetWidth < minimumSide || sizing.TargetHeight < minimumSide)
            throw new ArgumentException($"{what}: {sizing} is too small; RAFT needs at least {minimumSide} px on each side");
    }

    private static Tensor ReadTargetFlow(ParseResult r, MoveOptions o, string? dir, InputSizing sizing, RgbImage? picture)
    {
        var name = r.GetValue(o.TargetFlow);
        bool strokes = o.Strokes.Given(r);
        if (name is not null && strokes) throw new ArgumentException("give --target-flow or strokes (--translate, --rotate, ...), not both");
        if (name is null && !strokes) throw new ArgumentException("say where things move: --target-flow FILE or strokes (--translate DX,DY, --rotate DEG, --scale F, --stretch F,ANGLE, --drag X1,Y1:X2,Y2)");
        if (strokes)
        {
            using var drawn = o.Strokes.Build(r, sizing.Height, sizing.Width, picture is null ? null : () => picture);
            return sizing.Flow(drawn);
        }
        var path = dir is null ? name! : ExampleFolder.InFlows(dir, name!);
        using var flow = FlowFile.Read(path);
        long fh = flow.shape[1], fw = flow.shape[2];
        if (fw == sizing.Width && fh == sizing.Height) return sizing.Flow(flow);
        if (fw == sizing.TargetWidth && fh == sizing.TargetHeight) return flow.clone();
        throw new FlowFormatException(path, $"the flow is {fw}x{fh}, the image {sizing.Width}x{sizing.Height}{(sizing.Resizes ? $" (run at {sizing.TargetWidth}x{sizing.TargetHeight})" : "")}");
    }

    private static Tensor? ReadKeepMask(ParseResult r, MoveOptions o, string? dir, Tensor flow, long h, long w)
    {
        var spec = r.GetValue(o.EditMask)!;
        if (spec == "none") return null;
        if (spec == "auto")
        {
            using var region = EditMask.Region(flow, margin: r.GetValue(o.MaskMargin));
            return EditMask.ToMotionGuidanceMask(region);
        }
        return EditMaskFiles.ReadKeepMask(dir is null ? spec : ExampleFolder.InFlows(dir, spec), h, w);
    }

    public void Dispose()
    {
        Source.Dispose();
        TargetFlow.Dispose();
        KeepMask?.Dispose();
        StartLatent.Dispose();
        Trajectory?.Dispose();
    }
}
