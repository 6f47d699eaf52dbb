using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Sampling.Pipelines;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// A validated Guide-and-Rescale edit: the resolved request, the config it runs, the picture and the run size.
/// <see cref="Run"/> resizes the picture to the run size, runs <see cref="GarEdit"/> and resizes the result back.
/// </summary>
public sealed class GarPlan(GarRequest request, ModelRef model, GarConfig config, RgbImage picture, (int Width, int Height) runSize) : IEditPlan
{
    public GarRequest Request { get; } = request;
    EditRequest IEditPlan.Request => Request;
    public ModelRef Model { get; } = model;
    public GarConfig Config { get; } = config;
    public (int Width, int Height) InputSize { get; } = (picture.Width, picture.Height);
    public (int Width, int Height) RunSize { get; } = runSize;

    public IReadOnlyList<string> Notes => Editing.RunSize.Notes(RunSize, InputSize, Memory);

    private Lazy<MemoryEstimate?>? memory;

    /// <summary>Estimated once (it reads the model files' headers); what the check before the run and its notes share.</summary>
    public MemoryEstimate? Memory => (memory ??= new(() => GarMemory.EstimateMiB(Model, RunSize.Width, RunSize.Height, Config) is { } mib
        ? new MemoryEstimate(mib, $"the weights at {Model.Dtype} and a guided step's maps and activations")
        : null)).Value;

    public EditResult Run(EditSession session)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sd = session.Models.Diffusion(Model);
        using var scope = NewDisposeScope();
        var (w, h) = RunSize;
        var pixels = Editing.RunSize.Pixels(picture, w, h);
        var image = (pixels.permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1).to(sd.Device);
        var uncond = Prompts.Encode(sd, "");
        var source = Prompts.Encode(sd, Request.SourcePrompt ?? "");
        var target = Prompts.Encode(sd, Request.TargetPrompt!);
        int steps = Request.Settings.Steps!.Value;
        using var edit = GarEdit.Run(sd, image, uncond, source, target, Config, steps, report: session.Report, cancel: session.Cancel,
            preview: (step, x0) => session.Preview("edit", step, steps, () => ImageTensors.FromTensor01(Latents.Decode(sd, x0))));
        var back = F.interpolate(edit.Image, size: [InputSize.Height, InputSize.Width], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 1);
        var result = GarOutputs.Build(this, picture, ImageTensors.FromTensor01(back), edit);
        result.Elapsed = clock.Elapsed;
        return result;
    }

    public void Dispose() { }
}
