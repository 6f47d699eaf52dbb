using Motive.IO.Images;
using Motive.Methods.Editing;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// What a Prompt-to-Prompt edit leaves: result.png (the edit), summary.png (source | edit, each with its prompt under it), source.png (the source
/// prompt's own run: the generated source, or a picture's reconstruction), attention.png (the edited prompt's
/// cross-attention map of each changed, re-weighted or blend word's token, averaged over the run, brighter = more),
/// blend.png (LocalBlend's last mask, when set), metrics and run.json's record.
/// </summary>
public static class P2pOutputs
{
    public static EditResult Build(P2pPlan plan, RgbImage source, RgbImage edited, IReadOnlyList<(string Word, RgbImage Map)> maps, P2pTrace trace,
        double? reconstructionPsnr, string inversion)
    {
        var r = plan.Request;
        var pictures = new List<(string, RgbImage)> { ("source.png", source) };
        if (maps.Count > 0) pictures.Add(("attention.png", ImageStrip.Join(maps.Select(m => m.Map).ToList())));
        double? blendCover = null;
        if (trace.Masks.LastOrDefault(m => m is not null) is { } mask)
        {
            var last = mask[1].to(float32);
            blendCover = Math.Round(last.mean().item<float>(), 4);
            pictures.Add(("blend.png", ImageTensors.FromTensor01(last.unsqueeze(0).expand(1, 3, -1, -1))));
        }
        var shownSource = plan.Picture ?? source;
        return new EditResult
        {
            Image = edited,
            Summary = CaptionedStrip.Join([shownSource, edited], [r.SourcePrompt!, r.TargetPrompt!]),
            SummaryPanels = $"source \"{r.SourcePrompt}\" | edit \"{r.TargetPrompt}\"",
            Work = $"{trace.Latents.Count} steps of two prompts{(inversion == "null-text" ? $", null-text inversion ({trace.Latents.Count} steps)" : "")}",
            Headline = $"\"{r.SourcePrompt}\" → \"{r.TargetPrompt}\" ({plan.Edit}{(r.Settings.BlendWords is { Length: > 0 } b ? $", blended on \"{b}\"" : "")})"
                + (reconstructionPsnr is { } p ? $"; the picture's reconstruction: {p:0.0} dB" : ""),
            Metrics = new Dictionary<string, object?>
            {
                ["edit"] = plan.Edit, ["steps"] = trace.Latents.Count, ["source"] = plan.Picture is not null ? "picture" : plan.Request.Latents is null ? "generated" : "generated from the given x_T",
                ["inversion"] = inversion, ["reconstruction_psnr_db"] = reconstructionPsnr is { } q ? Math.Round(q, 2) : null,
                ["blend_mask_fraction"] = blendCover, ["attention_words"] = maps.Select(m => m.Word).ToList(),
            },
            Record = new Dictionary<string, object?>
            {
                ["size"] = new Dictionary<string, object?> { ["run"] = $"{plan.RunSize.Width}x{plan.RunSize.Height}",
                    ["input"] = plan.Picture is null ? null : $"{plan.Picture.Width}x{plan.Picture.Height}" },
                ["blend_mask_fraction_per_step"] = trace.Masks.Select(m => m is null ? (double?)null : Math.Round(m[1].to(float32).mean().item<float>(), 4)).ToList(),
            },
            Pictures = pictures,
        };
    }

    /// <summary>
    /// Each shown token's cross-attention map of the edited prompt (item 1), averaged over the run and over the down and
    /// up cross-attentions of the finest stored level, scaled to its maximum, as a grey picture of the run size.
    /// </summary>
    public static IReadOnlyList<(string Word, RgbImage Map)> AttentionMaps(AttentionControl control, IReadOnlyList<(string Word, int Token)> tokens, int width, int height)
    {
        if (tokens.Count == 0 || control.Summed.Count == 0) return [];
        using var scope = NewDisposeScope();
        long queries = control.Summed.Where(s => s.Site.Place != "mid").Max(s => s.Site.Queries);
        var maps = control.AverageMaps(queries);                                   // [B, P, 77]
        long side = (long)Math.Round(Math.Sqrt(queries * (double)height / width));
        long across = queries / side;
        var shown = new List<(string, RgbImage)>();
        foreach (var (word, token) in tokens)
        {
            var m = maps[1, .., token].reshape(1, 1, side, across);
            m = m / m.max().clamp_min(1e-12);
            m = F.interpolate(m, [height, width], mode: InterpolationMode.Nearest);
            shown.Add((word, ImageTensors.FromTensor01(m.expand(1, 3, -1, -1).cpu())));
        }
        return shown;
    }
}
