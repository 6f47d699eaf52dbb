using Motive.Methods.Editing;
using System.Text.Json;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Methods.GuideAndRescale;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// Replays a recorded reference run of Guide-and-Rescale in any of the fixture formats (fixtures README): gar_rescale
/// (the noise rescaling on given noises), gar_guiders (one guided step, one case per config) and gar_edit (a whole
/// GuidanceEditing run: inversion, guided steps, decode), every setting from the file's metadata, the model from `model`
/// (<see cref="RecordedPaths"/>; gar_rescale needs none). Floats must be within
/// 3e-4·max|recorded| per tensor or per-step list, the image 3e-4 absolute, timesteps and flags exactly, uint8 within 1.
/// A replay runs on one thread, as the recordings were made: the whole edit's third guided step amplifies float32
/// rounding, so the order of a multi-threaded reduction alone moves its ε̂ by 0.008 (4× the limit; measured with 2
/// threads on an AVX-512 EPYC, within the limit on one thread and on another CPU with 2).
/// </summary>
public static class GarReplay
{
    /// <summary>`motive selftest gar`.</summary>
    public static ReplayKind Kind { get; } = new("gar",
        "Replay a recorded Guide-and-Rescale run (noise rescaling, one guided step per config, or a whole edit), every setting from its metadata, and compare every recorded tensor.",
        "A recorded run in the gar_rescale, gar_guiders or gar_edit format (.safetensors).",
        [ReplayKind.ModelOption],
        (file, a, cancel) => Check(file, a.Text("--model"), cancel));

    /// <summary>Replays <paramref name="file"/>; <paramref name="modelPath"/> overrides the model the recording names.</summary>
    public static ReplayReport Check(string file, string? modelPath = null, CancellationToken cancel = default) =>
        OneThread.Run(() => Replay(file, modelPath, cancel));

    private static ReplayReport Replay(string file, string? modelPath, CancellationToken cancel)
    {
        using var run = SafetensorsFile.Open(file);
        var names = run.Tensors.Select(t => t.Name).ToHashSet();
        Tensor T(string name) => (run.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new MotiveFormatException(file, $"has no tensor '{name}'")).Load();
        JsonElement Meta(string key) => run.Metadata.TryGetValue(key, out var v) ? JsonDocument.Parse(v).RootElement : throw new MotiveFormatException(file, $"metadata has no '{key}'");
        StableDiffusionModel Load() => StableDiffusionModel.Load(RecordedPaths.Resolve(file, run.Metadata, "model", "--model", modelPath));
        using var scope = NewDisposeScope();
        var checks = new ReplayChecks();
        if (names.Contains("inv_latents")) return new("gar_edit", Edit(Load(), T, Meta, names, checks, cancel));
        if (names.Contains("diff_iter")) return new("gar_guiders", Guiders(Load(), T, Meta, names, checks, cancel));
        if (run.Metadata.ContainsKey("cases") && names.Any(n => n.EndsWith(".scale_other", StringComparison.Ordinal))) return new("gar_rescale", Rescale(T, Meta, checks));
        throw new MotiveFormatException(file, "is none of the gar_rescale, gar_guiders, gar_edit formats");
    }

    private static ReplayChecks Rescale(Func<string, Tensor> T, Func<string, JsonElement> meta, ReplayChecks checks)
    {
        foreach (var c in meta("cases").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            bool identity = c.GetProperty("type").GetString() == "identity_rescaler";
            var bounds = c.GetProperty("init_setup").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var other = c.GetProperty("has_other").GetBoolean() ? T(name + ".other") : null;
            double scale = other is null || identity ? 1 : NoiseRescale.OtherScale(other, T(name + ".cfg"), bounds[0], bounds[1]);
            double expected = c.GetProperty("scales").TryGetProperty("other", out var s) ? s.GetDouble() : 1;
            checks.Add(name + ".scale_other", Math.Abs(scale - expected), 1e-6 * Math.Abs(expected));
            checks.Near(name + ".noise_pred", T(name + ".noise_pred"), NoiseRescale.Combine(T(name + ".uncond"), T(name + ".cfg"), [], other, scale));
        }
        return checks;
    }

    private static ReplayChecks Guiders(StableDiffusionModel model, Func<string, Tensor> T, Func<string, JsonElement> meta, HashSet<string> names,
        ReplayChecks checks, CancellationToken cancel)
    {
        using var _ = model;
        int step = (int)T("diff_iter")[0].item<long>();
        long t = T("timestep")[0].item<long>();
        foreach (var c in meta("cases").EnumerateObject())
        {
            cancel.ThrowIfCancellationRequested();
            string n = c.Name;
            var config = GarReferenceConfig.Read(c.Value, step + 1);
            using var r = GarStep.Run(model.Unet, T("latent"), T("inv_latent"), t, T("uncond_emb"), T("src_emb"), T("trg_emb"), config, step);
            checks.Near(n + ".noise.uncond", T(n + ".noise.uncond"), r.Uncond);
            checks.Near(n + ".noise.cfg", T(n + ".noise.cfg"), r.Cfg);
            checks.Near(n + ".noise_pred", T(n + ".noise_pred"), r.NoisePred);
            double scale = T(n + ".other_scale").item<float>();
            checks.Add(n + ".other_scale", Math.Abs(r.OtherScale - scale), ReplayChecks.Relative * Math.Abs(scale));
            if (names.Contains(n + ".grad"))
            {
                if (r.Other is null) checks.Add(n + ".grad (none computed)", double.NaN, 0);
                else checks.Near(n + ".grad", T(n + ".grad"), r.Other);
            }
            foreach (var e in names.Where(x => x.StartsWith(n + ".energy.", StringComparison.Ordinal)))
            {
                double want = T(e).item<float>();
                double got = r.Energies.TryGetValue(e[(n + ".energy.").Length..], out var v) ? v : double.NaN;
                checks.Add(e, Math.Abs(got - want), ReplayChecks.Relative * Math.Abs(want));
            }
            if (names.Contains(n + ".self_attn_layer_mse"))
                checks.Series(n + ".self_attn_layer_mse", T(n + ".self_attn_layer_mse"), r.LayerTerms.Values.SingleOrDefault() ?? []);
        }
        return checks;
    }

    private static ReplayChecks Edit(StableDiffusionModel model, Func<string, Tensor> T, Func<string, JsonElement> meta, HashSet<string> names,
        ReplayChecks checks, CancellationToken cancel)
    {
        using var _ = model;
        int steps = meta("steps").GetInt32();
        var config = GarReferenceConfig.Read(meta("config_used"), steps);
        var image = T("image").permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1;
        using var result = GarEdit.Run(model, image, T("uncond_emb"), T("src_emb"), T("trg_emb"), config, steps, keepTensors: true, cancel: cancel);

        var inv = T("inv_latents");
        for (int k = 0; k < inv.shape[0]; k++) checks.Near($"inv_latents[{k}]", inv[k], result.InversionLatents[k]);
        var want = T("timesteps").data<long>().ToArray();
        checks.Add("timesteps", want.SequenceEqual(result.Steps.Select(s => s.Timestep)) ? 0 : 1, 0);
        var s = result.Steps;
        foreach (var e in names.Where(x => x.StartsWith("energy.", StringComparison.Ordinal)))
            checks.Series(e, T(e), s.Select(r => r.Energies.TryGetValue(e["energy.".Length..], out var v) ? v : double.NaN).ToList());
        foreach (var g in names.Where(x => x.StartsWith("g_scale.", StringComparison.Ordinal)))
            checks.Series(g, T(g), s.Select(r => r.Scales.TryGetValue(g["g_scale.".Length..], out var v) ? v : double.NaN).ToList());
        checks.Series("energy_total", T("energy_total"), s.Select(r => r.EnergyTotal).ToList());
        checks.Series("norm_uncond", T("norm_uncond"), s.Select(r => r.NormUncond).ToList());
        checks.Series("norm_cfg", T("norm_cfg"), s.Select(r => r.NormCfg).ToList());
        checks.Series("norm_other", T("norm_other"), s.Select(r => r.NormOther).ToList());
        if (names.Contains("norm_noise_pred")) checks.Series("norm_noise_pred", T("norm_noise_pred"), s.Select(r => r.NormNoisePred).ToList());
        checks.Series("other_scale", T("other_scale"), s.Select(r => r.OtherScale).ToList());
        var flags = T("has_other").data<byte>().ToArray();
        checks.Add("has_other", flags.Select(f => f != 0).SequenceEqual(s.Select(r => r.HasOther)) ? 0 : 1, 0);
        for (int i = 0; i < steps; i++)
        {
            checks.Near($"noise_pred[{i}]", T("noise_pred")[i], result.NoisePreds[i]);
            checks.Near($"latents[{i}]", T("latents")[i], result.Latents[i]);
        }
        checks.Near("final_latent", T("final_latent"), result.FinalLatent);
        // The recording is the decoder's output unclamped in [−1, 1]; Motive's picture is clamped to [0, 1].
        checks.Add("final_image", (result.Image * 2 - 1 - T("final_image").clamp(-1, 1)).abs().max().item<float>(), ReplayChecks.Relative);
        var ours8 = (result.Image[0].permute(1, 2, 0) * 255).to(uint8).to(int32);                 // truncation, as the reference
        checks.Add("final_image_uint8", (ours8 - T("final_image_uint8").to(int32)).abs().max().item<int>(), 1);
        return checks;
    }
}
