using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Flow;
using Motive.Models.Unet;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.DragDiffusion;

/// <summary>
/// A validated drag: the resolved request, settings, the picture (null when it is generated) with its size, the drags
/// and editable region at that size, and the run size. <see cref="Run"/> resizes to the run size (or generates the
/// picture), gets the per-image LoRA (given, cached, or trained and then cached; generated pictures use one only when
/// given), runs <see cref="DragRun"/> with it attached, and leaves the shared UNet as it found it.
/// </summary>
public sealed class DragPlan(DragRequest request, ModelRef model, DragSettings settings, string? lora, RgbImage? picture, (int Width, int Height) inputSize,
    IReadOnlyList<DragPair> drags, Tensor? editable, int runWidth, int runHeight) : IEditPlan
{
    public DragRequest Request { get; } = request;
    EditRequest IEditPlan.Request => Request;
    public ModelRef Model { get; } = model;
    public DragSettings Settings { get; } = settings;
    /// <summary>The picture's own size (the result's); a generated picture's is the run size.</summary>
    public (int Width, int Height) InputSize { get; } = inputSize;
    public IReadOnlyList<DragPair> Drags { get; } = drags;
    public (int Width, int Height) RunSize { get; } = (runWidth, runHeight);

    public IReadOnlyList<string> Notes => Editing.RunSize.Notes(RunSize, InputSize, Memory);

    private bool TrainsLora => picture is not null && lora is null && Settings.Lora.Steps > 0;

    private Lazy<MemoryEstimate?>? memory;

    /// <summary>Estimated once (it reads the model files' headers); what the check before the run and its notes share.</summary>
    public MemoryEstimate? Memory => (memory ??= new(() => DragMemory.EstimateMiB(Model, RunSize.Width, RunSize.Height, Settings, TrainsLora) is { } mib
        ? new MemoryEstimate(mib, $"the weights at {Model.Dtype} and the {(TrainsLora ? "larger of the LoRA's and the drag's" : "drag's")} activations")
        : null)).Value;

    public EditResult Run(EditSession session)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sd = session.Models.Diffusion(Model);
        using var keep = UnetLora.Keep(sd.Unet);
        using var scope = NewDisposeScope();
        var (w, h) = RunSize;
        var scaled = Drags.Select(d => new DragPair(d.X1 * w / InputSize.Width, d.Y1 * h / InputSize.Height, d.X2 * w / InputSize.Width, d.Y2 * h / InputSize.Height)).ToList();
        var (handles, targets) = DragGrid.Points(scaled, h, w);
        var full = editable is null ? zeros(h, w)
            : F.interpolate(editable.to(float32).view(1, 1, editable.shape[0], editable.shape[1]), size: [h, w], mode: InterpolationMode.Nearest)[0, 0];
        var mask = DragGrid.Mask(full).to(sd.Device);
        var context = Prompts.Encode(sd, Request.Prompt ?? "");
        var uncond = Prompts.Encode(sd, Request.Generate?.NegativePrompt ?? "");

        DragRunResult run;
        double loraSeconds = 0;
        RgbImage source;
        string loraSource;
        if (picture is null)
        {
            loraSource = lora is null ? "none" : AttachGiven(sd);
            var (generated, start) = DragRun.Generate(sd, context, uncond, Request.Seed, w, h, Settings, session.Report, session.Cancel);
            source = ImageTensors.FromTensor01(generated);
            run = DragRun.FromLatent(sd, start, context, uncond, handles, targets, mask, Settings, report: session.Report, cancel: session.Cancel);
        }
        else
        {
            source = picture;
            var pixels = Editing.RunSize.Pixels(picture, w, h);                                      // (H,W,3) uint8, as PIL's resize gives
            var image = (pixels.permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1).to(sd.Device);
            var loraClock = System.Diagnostics.Stopwatch.StartNew();
            loraSource = lora is not null ? AttachGiven(sd) : AttachTrained(session, sd, pixels, context);
            loraSeconds = loraClock.Elapsed.TotalSeconds;
            run = DragRun.Run(sd, image, context, uncond, handles, targets, mask, Settings, report: session.Report, cancel: session.Cancel);
        }
        using (run)
        {
            using var result = F.interpolate(run.Image, size: [InputSize.Height, InputSize.Width], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 1);
            var picture = ImageTensors.FromTensor01(result);
            // A DragBench case is scored as the benchmark scores it (DIFT point matching); other drags have no target truth to score.
            var bench = Request.Case is null ? ((double, IReadOnlyList<(int X, int Y)>)?)null
                : DragBenchScore.MeanDistance(sd, source, picture, context, Drags);
            var edit = DragOutputs.Build(this, source, picture, run, handles, targets, loraSource, loraSeconds, bench);
            edit.Elapsed = clock.Elapsed;
            return edit;
        }
    }

    private string AttachGiven(Models.Loading.StableDiffusionModel sd)
    {
        UnetLora.Load(sd.Unet, lora!);
        return "given";
    }

    /// <summary>Attaches the cached LoRA of this picture, or trains one now (then caches it); says which.</summary>
    private string AttachTrained(EditSession session, Models.Loading.StableDiffusionModel sd, Tensor pixels, Tensor context)
    {
        if (Settings.Lora.Steps == 0) return "none";
        var lo = Settings.Lora with { Resolution = Settings.Lora.Resolution ?? sd.NativeSize };
        var cached = CacheKeys.PathFor(session.Cache, "drag-lora", pixels.data<byte>().ToArray(), RunSize.Width, RunSize.Height, Request.Prompt ?? "", Model, lo);
        if (File.Exists(cached))
        {
            UnetLora.Load(sd.Unet, cached);
            return "cached";
        }
        ImageLora.Train(sd, pixels, context, lo, onStep: (step, _, _) => session.Report("lora", step + 1, lo.Steps), cancel: session.Cancel);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        var temp = cached + $".{Environment.ProcessId}.tmp";
        UnetLora.Save(sd.Unet, temp);
        File.Move(temp, cached, overwrite: true);
        return "trained";
    }

    public void Dispose() => editable?.Dispose();
}
