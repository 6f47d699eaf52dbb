using System.Text.Json;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Methods.PromptToPrompt;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using static TorchSharp.torch;

namespace Motive.Replays;

/// <summary>
/// Replays a recorded reference run of Prompt-to-Prompt (p2p_replace, p2p_refine, p2p_reweight: predict.py's
/// controllers in ptp_utils.text2image_ldm_stable) or of null-text inversion with its reconstruction and edit
/// (null_text: the notebook's NullInversion, run_and_display and AttentionReplace), every setting from the file's
/// metadata, the model beside the recording (the folder its `model` names; <c>--model</c> overrides). Per the fixtures
/// README: floats within 1e-4·max|recorded| per tensor, images 1e-4 absolute, integer records exactly, uint8 images
/// within 1. Runs on one thread, as the recordings were made.
/// </summary>
public static class P2pReplay
{
    public const double Relative = 1e-4;

    public static ReplayKind Kind { get; } = new("p2p",
        "Replay a recorded Prompt-to-Prompt run (word swap, refinement, re-weighting with LocalBlend) or null-text inversion with its reconstruction and edit, every setting from its metadata, and compare every recorded tensor.",
        "A recorded run in the p2p_replace, p2p_refine, p2p_reweight or null_text format (.safetensors).",
        [ReplayKind.ModelOption],
        (file, a, cancel) => Check(file, a.Text("--model"), cancel));

    public static ReplayReport Check(string file, string? modelPath = null, CancellationToken cancel = default) =>
        OneThread.Run(() => Replay(file, modelPath, cancel));

    private sealed record Recording(string File, SafetensorsFile Run, HashSet<string> Names)
    {
        public Tensor this[string name] =>
            (Run.Tensors.FirstOrDefault(t => t.Name == name) ?? throw new MotiveFormatException(File, $"has no tensor '{name}'")).Load();

        public JsonElement Meta(string key) =>
            Run.Metadata.TryGetValue(key, out var v) ? JsonDocument.Parse(v).RootElement : throw new MotiveFormatException(File, $"metadata has no '{key}'");
    }

    private static ReplayReport Replay(string file, string? modelPath, CancellationToken cancel)
    {
        using var run = SafetensorsFile.Open(file);
        var r = new Recording(file, run, run.Tensors.Select(t => t.Name).ToHashSet());
        var named = RecordedPaths.FirstWord(run.Metadata, "model") ?? throw new MotiveFormatException(file, "metadata has no 'model'; give --model PATH");
        // `model` names the folder as the generator saw it ("shared/fixtures/parity/tiny-sd"): the recording's sibling.
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileName(named));
        if (modelPath is null && !Directory.Exists(beside)) throw new FileNotFoundException($"{file}: metadata 'model' names {named}, and {beside} is not there; give --model PATH");
        var model = StableDiffusionModel.Load(modelPath ?? beside);
        using var _ = model;
        using var scope = NewDisposeScope();
        var checks = new ReplayChecks();
        if (r.Names.Contains("uncond_embeddings_opt")) return new("null_text", NullText(model, r, checks, cancel));
        if (!r.Names.Contains("x_T")) throw new MotiveFormatException(file, "is none of the p2p_replace, p2p_refine, p2p_reweight, null_text formats");
        string kind = r.Names.Contains("equalizer") ? "p2p_reweight" : r.Names.Contains("alphas") ? "p2p_refine" : "p2p_replace";
        return new(kind, Controlled(model, r, kind, checks, cancel));
    }

    private static string[] Prompts(Recording r, string key = "prompts_json") => r.Meta(key).EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>Our token ids against the recorded ones.</summary>
    private static void Ids(StableDiffusionModel model, Recording r, string[] prompts, ReplayChecks checks)
    {
        var ours = stack(prompts.Select(p => tensor(model.Tokenizer.Encode(p))).ToArray(), 0);
        checks.Add("input_ids", ours.shape.SequenceEqual(r["input_ids"].shape) ? (ours - r["input_ids"]).abs().max().item<long>() : double.NaN, 0);
    }

    /// <summary>Our text states against the recorded ones; ours go on.</summary>
    private static (Tensor Cond, Tensor Uncond) Texts(StableDiffusionModel model, Recording r, string[] prompts, string cond, ReplayChecks checks)
    {
        var c = cat(prompts.Select(p => Motive.Sampling.Pipelines.Prompts.Encode(model, p)).ToArray(), 0);
        var u = Motive.Sampling.Pipelines.Prompts.Encode(model, "");
        checks.Near(cond, r[cond], c, Relative);
        checks.Near("uncond_embeddings", r[r.Names.Contains("uncond_embeddings") ? "uncond_embeddings" : "uncond_embeddings_init"], u, Relative);
        return (c, u);
    }

    private static ReplayChecks Controlled(StableDiffusionModel model, Recording r, string kind, ReplayChecks checks, CancellationToken cancel)
    {
        var settings = r.Meta("settings");
        var prompts = Prompts(r);
        int steps = settings.GetProperty("steps").GetInt32();
        var tok = model.Tokenizer;
        Ids(model, r, prompts, checks);
        var (cond, uncond) = Texts(model, r, prompts, "cond_embeddings", checks);
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        var timesteps = schedule.Timesteps(steps);
        checks.Add("timesteps", timesteps.SequenceEqual(r["timesteps"].data<long>().ToArray()) ? 0 : 1, 0);

        var alpha = EditSchedules.CrossReplaceAlpha(tok, prompts, steps, settings.GetProperty("cross_replace_steps").GetDouble());
        checks.Add("cross_replace_alpha", (alpha.reshape(r["cross_replace_alpha"].shape) - r["cross_replace_alpha"]).abs().max().item<float>(), 0);
        var self = EditSchedules.SelfReplaceSteps(steps, settings.GetProperty("self_replace_steps").GetDouble());
        var recordedSelf = r["num_self_replace"].data<long>().ToArray();
        checks.Add("num_self_replace", recordedSelf.SequenceEqual([(long)self.Start, self.End]) ? 0 : 1, 0);

        ICrossAttentionEdit edit;
        LocalBlend? blend = null;
        switch (kind)
        {
            case "p2p_replace":
            {
                var mapper = TokenAlignment.Replacement(tok, prompts[0], prompts[1]).unsqueeze(0);
                checks.Add("mapper", (mapper - r["mapper"]).abs().max().item<float>(), 0);
                edit = new WordSwap(mapper);
                break;
            }
            case "p2p_refine":
            {
                var (map, alphas) = TokenAlignment.Refinement(tok, prompts[0], prompts[1]);
                checks.Add("mapper", map.SequenceEqual(r["mapper"].data<long>().ToArray()) ? 0 : 1, 0);
                checks.Add("alphas", alphas.Select(a => (double)a).SequenceEqual(r["alphas"].data<float>().ToArray().Select(a => (double)a)) ? 0 : 1, 0);
                edit = new Refinement(tensor(map).unsqueeze(0), tensor(alphas).unsqueeze(0));
                break;
            }
            default:
            {
                var words = settings.GetProperty("eq_words").EnumerateArray().Select(e => e.GetString()!).ToList();
                var values = settings.GetProperty("eq_values").EnumerateArray().Select(e => e.GetDouble()).ToList();
                var eq = EditSchedules.Equalizer(tok, prompts[1], words.Zip(values).ToList());
                checks.Add("equalizer", (eq - r["equalizer"]).abs().max().item<float>(), 0);
                edit = new Reweighting(eq);
                var blendWords = settings.GetProperty("blend_words").EnumerateArray().Select(e => e.GetString()!).ToList();
                var layers = BlendWords(tok, prompts, blendWords);
                checks.Add("local_blend_alpha_layers", (layers - r["local_blend_alpha_layers"]).abs().max().item<float>(), 0);
                blend = new LocalBlend(layers, settings.GetProperty("threshold").GetDouble());
                break;
            }
        }
        using var control = new AttentionControl(prompts.Length, edit, alpha, self, AttentionControl.PredictSelfMaxQueries, blend);
        using var trace = new P2pTrace();
        var final = P2pSampler.Run(model.Unet, schedule, timesteps, r["x_T"], cond, _ => uncond, r.Meta("guidance_scale").GetDouble(), control, trace, cancel: cancel);
        CompareSteps(checks, r, "", trace);
        if (blend is not null)
        {
            for (int i = 0; i < steps; i++)
            {
                checks.Near($"latents_before_blend[{i}]", r["latents_before_blend"][i], trace.BeforeBlend[i], Relative);
                var mask = trace.Masks[i];
                checks.Add($"local_blend_mask[{i}] (pixels differing)", mask is null ? double.NaN : (mask.narrow(0, 1, 1) - r["local_blend_mask"][i]).abs().sum().item<float>(), 0);
            }
        }
        checks.Near("final_latents", r["final_latents"], final, Relative);
        Images(model, checks, final, r["images_float"], r["images_uint8"], "images");
        return checks;
    }

    /// <summary>[B, 77]: 1 at the tokens of each prompt's blend word.</summary>
    private static Tensor BlendWords(Motive.Models.Clip.ClipTokenizer tok, IReadOnlyList<string> prompts, IReadOnlyList<string> words)
    {
        var layers = zeros(prompts.Count, 77);
        for (int i = 0; i < prompts.Count; i++)
            foreach (var k in WordTokens.Of(tok, prompts[i], words[i])) layers[i, k] = 1;
        return layers;
    }

    private static void CompareSteps(ReplayChecks checks, Recording r, string prefix, P2pTrace trace)
    {
        var noise = r[prefix + "noise_pred"];
        var latents = r[prefix + "latents"];
        if (trace.NoisePreds.Count != noise.shape[0]) { checks.Add(prefix + "steps", double.NaN, 0); return; }
        for (int i = 0; i < trace.NoisePreds.Count; i++)
        {
            checks.Near($"{prefix}noise_pred[{i}]", noise[i], trace.NoisePreds[i], Relative);
            checks.Near($"{prefix}latents[{i}]", latents[i], trace.Latents[i], Relative);
        }
    }

    private static void Images(StableDiffusionModel model, ReplayChecks checks, Tensor final, Tensor? expectedFloat, Tensor expected8, string name)
    {
        var images = cat(Enumerable.Range(0, (int)final.shape[0]).Select(b => Latents.Decode(model, final.narrow(0, b, 1))).ToArray(), 0);
        if (expectedFloat is not null)
            checks.Add(name + "_float", expectedFloat.shape.SequenceEqual(images.shape) ? (images - expectedFloat).abs().max().item<float>() : double.NaN, Relative);
        var ours8 = (images.permute(0, 2, 3, 1) * 255).to(uint8).to(int32);   // truncation, as the reference
        var want = expected8.dim() == 3 ? expected8.unsqueeze(0) : expected8;
        checks.Add(name + "_uint8", ours8.shape.SequenceEqual(want.shape) ? (ours8 - want.to(int32)).abs().max().item<int>() : double.NaN, 1);
    }

    private static ReplayChecks NullText(StableDiffusionModel model, Recording r, ReplayChecks checks, CancellationToken cancel)
    {
        var settings = r.Meta("settings");
        string prompt = settings.GetProperty("prompt").GetString()!, edited = settings.GetProperty("edit").GetString()!;
        int steps = settings.GetProperty("steps").GetInt32();
        var tok = model.Tokenizer;
        Ids(model, r, [prompt, edited], checks);
        var (cond, uncond) = Texts(model, r, [prompt], "cond_embeddings", checks);
        var schedule = DdimSchedule.From(model.SchedulerConfig);
        var ns = new NullTextSettings(steps, r.Meta("guidance_scale").GetDouble(), settings.GetProperty("num_inner_steps").GetInt32(),
            settings.GetProperty("early_stop_epsilon").GetDouble());
        var image = r["image"].permute(2, 0, 1).unsqueeze(0).to(float32) / 127.5f - 1;
        Images(model, checks, Latents.Encode(model, image), null, r["vae_reconstruction_uint8"], "vae_reconstruction");
        using var inv = NullTextInversion.Invert(model, schedule, image, cond, uncond, ns, keepRecords: true, cancel: cancel);
        checks.Add("timesteps", inv.Timesteps.SequenceEqual(r["timesteps"].data<long>().ToArray()) ? 0 : 1, 0);
        var pivot = r["inversion_latents"];
        for (int k = 0; k < pivot.shape[0]; k++) checks.Near($"inversion_latents[{k}]", pivot[k], inv.Pivot[k], Relative);
        var lr = r["null_lr"].data<float>().ToArray();
        for (int i = 0; i < steps; i++) checks.Add($"null_lr[{i}]", Math.Abs(lr[i] - 1e-2 * (1 - i / 100.0)), 1e-9);
        checks.Add("null_inner_steps", inv.Records.InnerSteps.Select(x => (long)x).SequenceEqual(r["null_inner_steps"].data<long>().ToArray()) ? 0 : 1, 0);
        checks.Series("null_loss", r["null_loss"], inv.Records.Losses, relative: Relative);
        var grads = r["null_grad"];
        for (int k = 0; k < Math.Min(grads.shape[0], inv.Records.Gradients.Count); k++) checks.Near($"null_grad[{k}]", grads[k], inv.Records.Gradients[k], Relative);
        // Each outer step from the recorded inputs (teacher forcing, see NullTextInversion.Step); then the sampling
        // from the recorded x_T and embeddings. The free-running run above already matched the pivot, losses and gradients.
        var opt = r["uncond_embeddings_opt"];
        var cur = r["null_latent_cur"];
        using (Motive.Models.Optim.Frozen.AllBut(model.Unet))
            for (int i = 0; i < steps; i++)
            {
                cancel.ThrowIfCancellationRequested();
                var (u, next, _) = NullTextInversion.Step(model, schedule, inv.Timesteps, i, i == 0 ? r["x_t"] : cur[i - 1], i == 0 ? uncond : opt[i - 1],
                    r["inversion_latents"][steps - 1 - i], cond, ns);
                checks.Near($"uncond_embeddings_opt[{i}] (from step {i - 1}'s)", opt[i], u, Relative);
                checks.Near($"null_latent_cur[{i}] (from step {i - 1}'s)", cur[i], next, Relative);
            }
        checks.Near("x_t", r["x_t"], inv.XT, Relative);
        var xT = r["x_t"];
        var embeddings = opt;

        var timesteps = inv.Timesteps;
        double guidance = ns.Guidance;
        // Reconstruction and edit from the recorded x_T and optimised embeddings.
        using (var store = AttentionControl.StoreOnly(1))
        using (var trace = new P2pTrace())
        {
            var final = P2pSampler.Run(model.Unet, schedule, timesteps, xT, cond, i => embeddings[i], guidance, store, trace, cancel: cancel);
            CompareSteps(checks, r, "recon_", trace);
            checks.Near("recon_final_latents", r["recon_final_latents"], final, Relative);
            Images(model, checks, final, r["recon_image_float"], r["recon_image_uint8"], "recon_image");
        }

        var prompts = new[] { prompt, edited };
        var (editCond, _) = Texts(model, r, prompts, "edit_cond_embeddings", checks);
        var cross = settings.GetProperty("cross_replace_steps").GetProperty("default_").GetDouble();
        var alpha = EditSchedules.CrossReplaceAlpha(tok, prompts, steps, cross);
        checks.Add("edit_cross_replace_alpha", (alpha.reshape(r["edit_cross_replace_alpha"].shape) - r["edit_cross_replace_alpha"]).abs().max().item<float>(), 0);
        var self = EditSchedules.SelfReplaceSteps(steps, settings.GetProperty("self_replace_steps").GetDouble());
        checks.Add("edit_num_self_replace", r["edit_num_self_replace"].data<long>().ToArray().SequenceEqual([(long)self.Start, self.End]) ? 0 : 1, 0);
        var mapper = TokenAlignment.Replacement(tok, prompt, edited).unsqueeze(0);
        checks.Add("edit_mapper", (mapper - r["edit_mapper"]).abs().max().item<float>(), 0);
        using (var control = new AttentionControl(2, new WordSwap(mapper), alpha, self, AttentionControl.NotebookSelfMaxQueries))
        using (var trace = new P2pTrace())
        {
            var final = P2pSampler.Run(model.Unet, schedule, timesteps, xT, editCond, i => embeddings[i], guidance, control, trace, cancel: cancel);
            CompareSteps(checks, r, "edit_", trace);
            checks.Near("edit_final_latents", r["edit_final_latents"], final, Relative);
            Images(model, checks, final.narrow(0, 1, 1), r["edit_image_float_item1"], r["edit_images_uint8"].narrow(0, 1, 1), "edit_image_item1");
            Images(model, checks, final.narrow(0, 0, 1), null, r["edit_images_uint8"].narrow(0, 0, 1), "edit_image_item0");
        }
        return checks;
    }
}
