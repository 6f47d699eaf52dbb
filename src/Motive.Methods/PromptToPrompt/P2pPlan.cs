using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// A validated Prompt-to-Prompt edit: the resolved request, its edit kind, the picture (or none) and the run size.
/// <see cref="Run"/> makes the source's x_T (the seed's noise, or null-text inversion of the picture, cached), runs
/// the source and edited prompts together under the controller, and decodes both.
/// </summary>
public sealed class P2pPlan(P2pRequest request, ModelRef model, string edit, RgbImage? picture, (int Width, int Height) runSize, Tensor? start = null) : IEditPlan
{
    public P2pRequest Request { get; } = request;
    EditRequest IEditPlan.Request => Request;
    public ModelRef Model { get; } = model;
    public string Edit { get; } = edit;
    public RgbImage? Picture { get; } = picture;
    public (int Width, int Height) RunSize { get; } = runSize;

    public IReadOnlyList<string> Notes => Editing.RunSize.Notes(RunSize, Picture is null ? RunSize : (Picture.Width, Picture.Height), Memory);

    private Lazy<MemoryEstimate?>? memory;

    public MemoryEstimate? Memory => (memory ??= new(() => P2pMemory.EstimateMiB(Model, RunSize.Width, RunSize.Height, Picture is not null) is { } mib
        ? new MemoryEstimate(mib, $"the weights at {Model.Dtype} and {(Picture is null ? "a batch of two prompts' passes" : "null-text inversion's backward pass")}")
        : null)).Value;

    public EditResult Run(EditSession session)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sd = session.Models.Diffusion(Model);
        using var scope = NewDisposeScope();
        var s = Request.Settings;
        int steps = s.Steps!.Value;
        var (w, h) = RunSize;
        var schedule = DdimSchedule.From(sd.SchedulerConfig);
        var timesteps = schedule.Timesteps(steps);
        var cond = cat([Prompts.Encode(sd, Request.SourcePrompt!), Prompts.Encode(sd, Request.TargetPrompt!)], 0);
        var empty = Prompts.Encode(sd, "");
        Tensor xT, uncond;
        string inversion = "none";
        Tensor? pixels = null;
        if (Picture is not null)
        {
            pixels = Editing.RunSize.Pixels(Picture, w, h);
            (xT, uncond, inversion) = Invert(sd, schedule, session, pixels, cond.narrow(0, 0, 1), empty);
        }
        else
        {
            using var generator = new Generator((ulong)Request.Seed);
            xT = start?.clone() ?? randn([1, 4, h / 8, w / 8], generator: generator);
            uncond = empty.unsqueeze(0).expand(steps, -1, -1, -1);
        }
        using var control = P2pControls.Build(sd.Tokenizer, Request.SourcePrompt!, Request.TargetPrompt!, s, steps, h / 8, w / 8, Picture is not null);
        using var trace = new P2pTrace();
        var final = P2pSampler.Run(sd.Unet, schedule, timesteps, xT, cond, i => uncond[i], s.Cfg!.Value, control, trace,
            (i, n) =>
            {
                session.Report("edit", i, n);
                session.Preview("edit", i, n, () => ImageTensors.FromTensor01(Latents.Decode(sd, trace.Latents[^1].narrow(0, 1, 1))));
            }, session.Cancel);
        var source = Latents.Decode(sd, final.narrow(0, 0, 1));
        var edited = Latents.Decode(sd, final.narrow(0, 1, 1));
        double? reconstruction = pixels is null ? null : Psnr(source, pixels.permute(2, 0, 1).unsqueeze(0).to(float32) / 255);
        var back = Picture is null ? edited : F.interpolate(edited, size: [Picture.Height, Picture.Width], mode: InterpolationMode.Bilinear, align_corners: false).clamp(0, 1);
        var maps = P2pOutputs.AttentionMaps(control, P2pControls.ShownTokens(sd.Tokenizer, Request.SourcePrompt!, Request.TargetPrompt!, s), w, h);
        var result = P2pOutputs.Build(this, ImageTensors.FromTensor01(source), ImageTensors.FromTensor01(back), maps, trace, reconstruction, inversion);
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>x_T and the per-step unconditional embeddings of the picture: from the cache, or null-text inversion (then cached).</summary>
    private (Tensor XT, Tensor Uncond, string How) Invert(StableDiffusionModel sd, DdimSchedule schedule, EditSession session, Tensor pixels, Tensor cond, Tensor empty)
    {
        var s = Request.Settings;
        var settings = new NullTextSettings(s.Steps!.Value, s.Cfg!.Value, s.InnerSteps!.Value, s.EarlyStop!.Value);
        var path = CacheKeys.PathFor(session.Cache, "null-text", pixels.data<byte>().ToArray(), RunSize.Width, RunSize.Height, Request.SourcePrompt!, Model, settings);
        if (NullTextCache.Load(path) is { } cached) return (cached.XT, cached.Uncond, "cached");
        var image = (pixels.permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1).to(sd.Device);
        var inv = NullTextInversion.Invert(sd, schedule, image, cond, empty, settings,
            onStep: (i, n) => session.Report("null-text inversion", i, n), cancel: session.Cancel);
        NullTextCache.Save(path, inv.XT, inv.Uncond);
        return (inv.XT, inv.Uncond, "null-text");
    }

    /// <summary>PSNR in dB of two pictures [1,3,H,W] in [0,1].</summary>
    private static double Psnr(Tensor a, Tensor b) => 10 * Math.Log10(1 / Math.Max((a - b).square().mean().item<float>(), 1e-12));

    public void Dispose() => start?.Dispose();
}
