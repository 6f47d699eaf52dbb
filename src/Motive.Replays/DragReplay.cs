using Motive.Methods.Editing;
using System.Text.Json;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Methods.DragDiffusion;
using Motive.Models.Flow;
using Motive.Models.Loading;
using Motive.Models.Unet;
using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// Replays a recorded reference run of DragDiffusion in any of the fixture formats (fixtures README): drag_update (one
/// drag_diffusion_update call), drag_pipeline (run_drag from pixels to pixels) and drag_lora_step (train_lora steps
/// with every random draw recorded), taking every setting from the file's metadata: the model from `model`, the LoRA
/// (or none) from `lora` (<see cref="LoraChoice.For"/>), which a drag_update or drag_pipeline run had on its UNet
/// throughout. Floats must be within 3e-4·max|recorded| per tensor (images 3e-4 absolute), points and masks exactly,
/// the uint8 image within 1.
/// </summary>
public static class DragReplay
{
    public const string Update = "drag_update", Pipeline = "drag_pipeline", LoraStep = "drag_lora_step";

    /// <summary>`motive selftest drag`.</summary>
    public static ReplayKind Kind { get; } = new("drag",
        "Replay a recorded DragDiffusion run (drag loop, whole pipeline or LoRA steps), every setting and the LoRA (or none) from its metadata, and compare every recorded tensor.",
        "A recorded run in the drag_update, drag_pipeline or drag_lora_step format (.safetensors).",
        [
            ReplayKind.ModelOption,
            ToolOption.Text("--lora", "Override the LoRA the recording's metadata 'lora' names (relative to FILE's folder): a weights file or folder, or 'none'."),
        ],
        (file, a, cancel) => Check(file, a.Text("--model"), a.Text("--lora"), cancel));

    /// <summary>
    /// Replays <paramref name="file"/>. <paramref name="modelPath"/> and <paramref name="lora"/> (a path, or
    /// <see cref="LoraChoice.None"/>) override what the recording names.
    /// </summary>
    public static ReplayReport Check(string file, string? modelPath = null, string? lora = null, CancellationToken cancel = default)
    {
        using var run = SafetensorsFile.Open(file);
        var names = run.Tensors.Select(t => t.Name).ToHashSet();
        Tensor T(string name) => (run.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new MotiveFormatException(file, $"has no tensor '{name}'")).Load();
        JsonElement Meta(string key) => run.Metadata.TryGetValue(key, out var v) ? JsonDocument.Parse(v).RootElement : throw new MotiveFormatException(file, $"metadata has no '{key}'");
        var format = Format(file, names);
        var choice = LoraChoice.For(file, run.Metadata, format, lora);
        using var model = StableDiffusionModel.Load(RecordedPaths.Resolve(file, run.Metadata, "model", "--model", modelPath));
        using var keep = UnetLora.Keep(model.Unet);
        if (choice.Path is not null) UnetLora.Load(model.Unet, choice.Path);
        using var scope = NewDisposeScope();
        var checks = format switch
        {
            LoraStep => Lora(model, T, Meta, new ReplayChecks(), cancel),
            Pipeline => RunDrag(model, T, Meta, new ReplayChecks(), cancel),
            _ => DragLoop(model, T, Meta, names, new ReplayChecks(), cancel),
        };
        return new(format, checks, choice.Path is null ? $"no LoRA ({choice.Source})" : $"LoRA {System.IO.Path.GetFileName(choice.Path)} ({choice.Source})");
    }

    /// <summary>The LoRA a replay of <paramref name="file"/> puts on the UNet, without running it.</summary>
    public static LoraChoice LoraOf(string file, string? lora = null)
    {
        using var run = SafetensorsFile.Open(file);
        return LoraChoice.For(file, run.Metadata, Format(file, run.Tensors.Select(t => t.Name).ToHashSet()), lora);
    }

    /// <summary>Which format the recording is, by the tensors only that format holds.</summary>
    public static string Format(string file, IReadOnlySet<string> names) =>
        names.Contains("lora_init") ? LoraStep
        : names.Contains("source_image") ? Pipeline
        : names.Contains("init_code") ? Update
        : throw new MotiveFormatException(file, "is none of the drag_update, drag_pipeline, drag_lora_step formats");

    private static ReplayChecks DragLoop(StableDiffusionModel model, Func<string, Tensor> T, Func<string, JsonElement> meta, IReadOnlySet<string> names,
        ReplayChecks checks, CancellationToken cancel)
    {
        var args = meta("args");
        var settings = Loop(args, args.GetProperty("lam").GetDouble(), args.GetProperty("lr").GetDouble(), args.GetProperty("n_pix_step").GetInt32());
        long t = T("t")[0].item<long>();
        var schedule = DragRun.Schedule;
        long prev = t - schedule.TrainSteps / args.GetProperty("n_inference_step").GetInt32();
        using var result = DragUpdate.Run(model.Unet, T("init_code"), t, schedule.Alpha(t), prev > 0 ? schedule.Alpha(prev) : schedule.FinalAlphaCumprod,
            T("text_embeddings"), null, Points(T("handle_points")), Points(T("target_points")), T("mask"), settings, keepTensors: true, cancel: cancel);
        // The UNet's ε at the input where recorded: a drag_update call cut out of a recorded run_drag has none.
        if (names.Contains("unet_eps_init")) checks.Near("unet_eps_init", T("unet_eps_init"), result.EpsInitial);
        checks.Near("x_prev_0", T("x_prev_0"), result.PreviousLatent0);
        Iterations(checks, "", T, result);
        checks.Near("final_latent", T("final_latent"), result.Latent);
        return checks;
    }

    private static ReplayChecks RunDrag(StableDiffusionModel model, Func<string, Tensor> T, Func<string, JsonElement> meta, ReplayChecks checks, CancellationToken cancel)
    {
        var a = meta("arguments");
        var inner = meta("args_inside_run_drag");
        int steps = inner.GetProperty("n_inference_step").GetInt32();
        var settings = Loop(inner, a.GetProperty("lam").GetDouble(), a.GetProperty("latent_lr").GetDouble(), a.GetProperty("n_pix_step").GetInt32()) with
        {
            Steps = steps, InvertedSteps = inner.GetProperty("n_actual_inference_step").GetInt32(), Cfg = inner.GetProperty("guidance_scale").GetDouble(),
            StartStep = a.GetProperty("start_step").GetInt32(), StartLayer = a.GetProperty("start_layer").GetInt32(),
        };
        var xy = T("points_xy");
        var pairs = Enumerable.Range(0, (int)xy.shape[0] / 2).Select(i => new DragPair(
            xy[2 * i, 0].item<float>(), xy[2 * i, 1].item<float>(), xy[2 * i + 1, 0].item<float>(), xy[2 * i + 1, 1].item<float>())).ToList();
        var source = T("source_image");
        var (handles, targets) = DragGrid.Points(pairs, source.shape[0], source.shape[1]);
        Exact(checks, "handle_points", Points(T("handle_points")), handles);
        Exact(checks, "target_points", Points(T("target_points")), targets);
        var mask = DragGrid.Mask(T("mask_full"));
        checks.Add(new ReplayCheck("mask_sup", (mask - T("mask_sup")).abs().max().item<float>(), 0));
        var image = source.permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1;
        var text = T("text_embeddings");
        using var result = DragRun.Run(model, image, text, text, handles, targets, mask, settings, keepTensors: true, cancel: cancel);

        checks.Add(new ReplayCheck("inversion_timesteps", T("inversion_timesteps").data<long>().Reverse().SequenceEqual(result.Inversion.Timesteps) ? 0 : 1, 0));
        var inverted = T("inversion_latents");
        int n = (int)inverted.shape[0];
        for (int k = 1; k < n; k++) checks.Near($"inversion_latents[{k}]", inverted[k], result.Inversion.Trajectory[n - 1 - k]);
        Iterations(checks, "drag.", T, result.Update);
        checks.Near("final_latents", T("final_latents"), result.FinalLatents);
        checks.Add(new ReplayCheck("final_image", (result.Image - T("final_image")).abs().max().item<float>(), ReplayChecks.Relative));
        var ours8 = (result.Image[0].permute(1, 2, 0) * 255).to(uint8).to(int32);
        checks.Add(new ReplayCheck("final_image_uint8", (ours8 - T("final_image_uint8").to(int32)).abs().max().item<int>(), 1));
        return checks;
    }

    private static ReplayChecks Lora(StableDiffusionModel model, Func<string, Tensor> T, Func<string, JsonElement> meta, ReplayChecks checks, CancellationToken cancel)
    {
        var a = meta("arguments");
        var opt = meta("optimizer");
        var order = meta("lora_params_json").EnumerateArray()
            .Select(e => (Name: e[0].GetString()!, Size: e[1].EnumerateArray().Aggregate(1L, (x, d) => x * d.GetInt64()))).ToList();
        var settings = new LoraSettings
        {
            Rank = a.GetProperty("lora_rank").GetInt32(), Steps = a.GetProperty("lora_step").GetInt32(), LearningRate = a.GetProperty("lora_lr").GetDouble(),
            WeightDecay = opt.GetProperty("weight_decay").GetDouble(), Batch = a.GetProperty("lora_batch_size").GetInt32(), Resolution = a.GetProperty("resolution").GetInt32(),
        };
        var (crops, posterior, noise, timesteps, init) = (T("crop_offsets"), T("latent_sample_noise"), T("noise"), T("timesteps"), T("lora_init"));
        var (losses, grads, after) = (new List<double>(), new List<Tensor>(), new List<Tensor>());
        Tensor Flat(IReadOnlyList<(string Name, TorchSharp.Modules.Parameter P)> ps, Func<TorchSharp.Modules.Parameter, Tensor> pick)
        {
            var byName = ps.ToDictionary(x => x.Name, x => x.P);
            return cat(order.Select(o => byName.TryGetValue(o.Name, out var p) ? pick(p).detach().flatten()
                : throw new ArgumentException($"the recording names LoRA parameter {o.Name}, which this UNet does not have")).ToArray(), 0);
        }
        ImageLora.Train(model, T("image"), T("text_embedding"), settings,
            draws: s => new LoraDraws(crops[s, .., 0].data<long>().ToArray(), crops[s, .., 1].data<long>().ToArray(), posterior[s], noise[s], timesteps[s].data<long>().ToArray()),
            init: ps =>
            {
                using var _ = no_grad();
                var byName = ps.ToDictionary(x => x.Name, x => x.P);
                long offset = 0;
                foreach (var (name, size) in order) { byName[name].copy_(init.narrow(0, offset, size).view(byName[name].shape)); offset += size; }
            },
            onStep: (s, loss, ps) =>
            {
                losses.Add(loss);
                grads.Add(Flat(ps, p => p.grad!).clone().DetachFromDisposeScope());
                after.Add(Flat(ps, p => p).clone().DetachFromDisposeScope());
            }, cancel: cancel);
        checks.Series("loss", T("loss"), losses);
        for (int s = 0; s < losses.Count; s++)
        {
            checks.Near($"lora_grad[{s}]", T("lora_grad")[s], grads[s]);
            checks.Near($"lora_after[{s}]", T("lora_after")[s], after[s]);
        }
        foreach (var g in grads.Concat(after)) g.Dispose();
        return checks;
    }

    private static DragSettings Loop(JsonElement args, double lambda, double lr, int iterations) => new()
    {
        FeatureIndices = args.GetProperty("unet_feature_idx").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
        MotionRadius = args.GetProperty("r_m").GetInt32(), TrackRadius = args.GetProperty("r_p").GetInt32(),
        Lambda = lambda, LatentLearningRate = lr, MaxIterations = iterations,
    };

    private static void Iterations(ReplayChecks checks, string prefix, Func<string, Tensor> T, DragUpdateResult result)
    {
        var loss = T(prefix + "loss");
        checks.Add(new ReplayCheck(prefix + "iterations", Math.Abs(result.Iterations.Count - loss.shape[0]), 0));
        if (result.Iterations.Count != loss.shape[0]) return;
        checks.Series(prefix + "loss", loss, result.Iterations.Select(i => i.Loss).ToList());
        if (prefix == "") checks.Series("loss_mask_term", T("loss_mask_term"), result.Iterations.Select(i => i.MaskLoss).ToList(), loss);
        var handles = T(prefix + "handles_per_iter");
        var margins = T(prefix + "tracking_best_second");                                       // [iterations − 1, K, 2]
        var ours = result.Iterations.Skip(1).Select(i => i.Tracking.SelectMany(m => new[] { m.Best, m.Second }).ToArray()).ToList();
        if (ours.Count == margins.shape[0]) checks.Near(prefix + "tracking_best_second", margins, tensor(ours.SelectMany(x => x).ToArray()).view(margins.shape));
        else checks.Add(new ReplayCheck(prefix + "tracking_best_second rows", Math.Abs(ours.Count - margins.shape[0]), 0));
        for (int i = 0; i < result.Iterations.Count; i++)
        {
            var it = result.Iterations[i];
            Exact(checks, $"{prefix}handles_per_iter[{i}]", Points(handles[i]), it.Handles);
            checks.Near($"{prefix}grad_per_iter[{i}]", T(prefix + "grad_per_iter")[i], it.Gradient!);
            checks.Near($"{prefix}latent_per_iter[{i}]", T(prefix + "latent_per_iter")[i], it.Latent!);
            checks.Near($"{prefix}x_prev_per_iter[{i}]", T(prefix + "x_prev_per_iter")[i], it.PreviousLatent!);
        }
    }

    private static List<GridPoint> Points(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => new GridPoint(t[i, 0].item<float>(), t[i, 1].item<float>())).ToList();

    private static void Exact(ReplayChecks checks, string name, IReadOnlyList<GridPoint> expected, IReadOnlyList<GridPoint> actual) =>
        checks.Add(new ReplayCheck(name, expected.SequenceEqual(actual) ? 0 : expected.Zip(actual).Select(p => (double)p.First.DistanceTo(p.Second)).DefaultIfEmpty(double.NaN).Max(), 0));
}
