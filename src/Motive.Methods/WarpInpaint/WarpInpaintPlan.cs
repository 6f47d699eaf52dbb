using Motive.IO.Images;
using Motive.Methods.Editing;
using Motive.Sampling.Inpainting;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// A validated warp-then-inpaint edit: the resolved request, settings and sizes, and the forward warp with its holes
/// (made at plan time; no model). The run encodes the warp with the VAE, fills the holes by masked DDIM
/// (<see cref="WarpInpaintLoop"/>, the model's own schedule), decodes, and (paste_back) puts the warp's own pixels
/// back outside the grown holes.
/// </summary>
public sealed class WarpInpaintPlan(WarpInpaintRequest request, ModelRef model, WarpInpaintSettings settings, InputSizing sizing, WarpedPicture warp) : IEditPlan
{
    public WarpInpaintRequest Request { get; } = request;
    EditRequest IEditPlan.Request => Request;
    /// <summary>The model with its paths resolved to files on this machine.</summary>
    public ModelRef Model { get; } = model;
    public WarpInpaintSettings Settings { get; } = settings;
    public InputSizing Sizing { get; } = sizing;
    public WarpedPicture Warp { get; } = warp;

    public IReadOnlyList<string> Notes
    {
        get
        {
            var notes = new List<string>();
            if (Sizing.Resizes) notes.Add($"resized the input {Sizing} (sides to the nearest multiple of 64); the flow follows");
            if (Warp.HoleFraction == 0) notes.Add($"the motion leaves no holes: nothing to fill, the result is the warp{(Settings.PasteBack ? "" : " through the VAE")}");
            if (Memory is { } m) notes.Add(m.Note);
            return notes;
        }
    }

    private Lazy<MemoryEstimate?>? memory;

    /// <summary>Estimated once (it reads the model files' headers).</summary>
    public MemoryEstimate? Memory => (memory ??= new(() => ModelSize.Of(Model) is { } s
        ? new MemoryEstimate(WarpInpaintMemory.EstimateMiB(s.Parameters, s.Width, s.Bytes, Sizing.TargetWidth, Sizing.TargetHeight, Settings),
            $"the weights at {Model.Dtype} and a UNet pass's activations")
        : null)).Value;

    public EditResult Run(EditSession session)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = session.Models.Diffusion(Model);
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        var timesteps = schedule.Timesteps(Settings.Steps);
        using var cond = new Conditioning(model, Request.Prompt, "", Settings.Cfg);
        using var known = Latents.Encode(model, Warp.Warped);
        using var cells = LatentMask.Of(Warp.Hole, Settings.HoleDilation);
        using var hole = cells.to(known.dtype, known.device);
        using var generator = new Generator((ulong)Request.Seed);
        using var drawn = randn(known.shape, generator: generator);
        using var noise = drawn.to(known.dtype, known.device);
        Action<int, Tensor>? preview = session.PreviewEvery > 0
            ? (i, x0) => session.Preview("inpaint", i + 1, timesteps.Length, () => Decoded(model, x0))
            : null;
        using var latent = WarpInpaintLoop.Sample((x, t) => cond.Predict(model, x.to(model.DType), t), schedule, timesteps, known, noise, hole,
            Settings.Resamplings, generator, (d, n) => session.Report("inpaint", d, n), preview, session.Cancel);
        using var decoded = Latents.Decode(model, latent);
        using var image = Settings.PasteBack ? PastedBack(decoded) : decoded.alias();
        var result = WarpInpaintOutputs.Build(this, image, decoded, cells);
        result.Elapsed = clock.Elapsed;
        return result;
    }

    /// <summary>The warp's own pixels outside the grown holes, the decoded fill inside them (1,3,H,W) in [0,1].</summary>
    private Tensor PastedBack(Tensor decoded)
    {
        using var scope = NewDisposeScope();
        var grown = LatentMask.Dilate(Warp.Hole, Settings.HoleDilation);
        return MaskedDdim.Blend((Warp.Warped + 1) / 2, decoded, grown).MoveToOuterDisposeScope();
    }

    private static RgbImage Decoded(Motive.Models.Loading.StableDiffusionModel model, Tensor latent)
    {
        using var image = Latents.Decode(model, latent);
        return ImageTensors.FromTensor01(image);
    }

    public void Dispose() => Warp.Dispose();
}
