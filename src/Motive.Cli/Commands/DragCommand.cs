using System.CommandLine;
using Motive.Methods.DragDiffusion;
using Motive.Methods.Editing;
using Motive.Models.Flow;

namespace Motive.Cli.Commands;

/// <summary>`motive drag`: its options as a DragDiffusion request, run through the editing seam (<see cref="EditRunner"/>).</summary>
public static class DragCommand
{
    private static readonly DragOptions Embedded = DragMethod.Defaults(null), Reference = DragOptions.Reference;

    public static Command Create()
    {
        var models = new ModelOptions();
        var image = new Option<string?>("--image") { Description = "The picture to edit." };
        var dragCase = new Option<string?>("--case") { Description = "A DragBench case folder (original_image.png, meta_data.pkl): its picture, drags, mask and prompt." };
        var generate = new Option<bool>("--generate") { Description = "Drag on a picture generated from --prompt and --seed (no inversion; CFG 7.5 unless --cfg)." };
        var size = new Option<string?>("--size") { Description = "WxH of the generated picture (default: the model's native size)." };
        var negative = new Option<string?>("--negative-prompt") { Description = "The negative prompt of a generated picture's guidance." };
        var cfg = new Option<double?>("--cfg") { Description = "Classifier-free guidance of the drag and the denoising. Default: 1 for a picture, 7.5 for a generated one (the reference's)." };
        var drags = new Option<string[]>("--drag") { Description = "A handle → target pair X1,Y1:X2,Y2 in the picture's pixels (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var mask = new Option<string?>("--mask") { Description = "The editable region as a picture (white = may change); any size." };
        var region = new Option<string?>("--region") { Description = "The editable region as text: X,Y,W,H, ellipse:CX,CY,RX,RY or click:X,Y. Without --mask or --region everything may change." };
        var prompt = new Option<string?>("--prompt") { Description = "What the picture shows (LoRA, inversion and denoising use it; default empty)." };
        var lora = new Option<string?>("--lora") { Description = "A LoRA file (diffusers format) to use instead of training one." };
        var loraSteps = new Option<int?>("--lora-steps") { Description = "Steps of the per-image LoRA (0 = none)." + From(o => o.LoraSteps) };
        var width = new Option<int?>("--width") { Description = "Run width (height by the aspect, both to multiples of 8; the result is resized back). Default: the model's native size." };
        var iterations = new Option<int?>("--iterations") { Description = "Most drag iterations." + From(o => o.MaxIterations) };
        var strength = new Option<double?>("--inversion-strength") { Description = "Part of the 50 DDIM steps inverted and denoised." + From(o => o.InversionStrength) };
        var lambda = new Option<double?>("--lambda") { Description = "Weight of keeping the picture outside the region." + From(o => o.Lambda) };
        var lr = new Option<double?>("--latent-lr") { Description = "Adam's rate on the latent." + From(o => o.LatentLr) };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L, Description = "Seed of the run." };
        var output = new Option<string>("--out") { Description = "Output folder (written whole at the end).", Required = true };
        var cmd = new Command("drag", "Drag points of a picture to targets (DragDiffusion: per-image LoRA, latent optimisation, mutual self-attention).")
            { image, dragCase, generate, size, negative, cfg, drags, mask, region, prompt, lora, loraSteps, width, iterations, strength, lambda, lr, seed, output };
        models.AddTo(cmd);
        var maxMemory = EditRunner.MaxMemoryOption();
        cmd.Add(maxMemory);
        cmd.SetAction((r, cancel) =>
        {
            string? Full(Option<string?> o) => r.GetValue(o) is { } p ? Path.GetFullPath(p) : null;
            var request = new DragRequest
            {
                Model = models.Ref(r),
                Image = Full(image), Case = Full(dragCase), Generate = Generated(r.GetValue(generate), r.GetValue(size), r.GetValue(negative)), Mask = Full(mask), Region = r.GetValue(region), Prompt = r.GetValue(prompt), Lora = Full(lora),
                Drags = (r.GetValue(drags) ?? []).Select(d => Try(() => DragPair.Parse(d), "--drag")).ToList(),
                Seed = r.GetValue(seed),
                Settings = new DragOptions
                {
                    Width = r.GetValue(width), LoraSteps = r.GetValue(loraSteps), MaxIterations = r.GetValue(iterations), InversionStrength = r.GetValue(strength),
                    Lambda = r.GetValue(lambda), LatentLr = r.GetValue(lr), Cfg = r.GetValue(cfg),
                },
            };
            return Task.FromResult(EditRunner.Run(request, new FileInputs(), r.GetValue(output)!, r.GetValue(models.Device)!, EditRunner.MaxMemoryMiB(r, maxMemory), r.InvocationConfiguration, cancel));
        });
        return cmd;
    }

    private static DragGenerated? Generated(bool generate, string? size, string? negative)
    {
        if (!generate)
        {
            if (size is not null || negative is not null) throw new ArgumentException("--size and --negative-prompt are for --generate");
            return null;
        }
        if (size is null) return new DragGenerated(NegativePrompt: negative ?? "");
        var (w, h) = FlowBuilderOptions.Pair(size, "--size", 'x');
        if (w != Math.Floor(w) || h != Math.Floor(h) || w > int.MaxValue || h > int.MaxValue) throw new ArgumentException($"--size: {size} is not whole pixels");
        return new DragGenerated((int)w, (int)h, negative ?? "");
    }

    private static T Try<T>(Func<T> f, string option)
    {
        try { return f(); }
        catch (ArgumentException e) { throw new ArgumentException($"{option}: {e.Message}", e); }
    }

    private static string From<T>(Func<DragOptions, T> pick)
    {
        string V(T v) => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)?.ToLowerInvariant() ?? "";
        string embedded = V(pick(Embedded)), reference = V(pick(Reference));
        return embedded == reference ? $" Default: {reference}." : $" Default: the model's preset ({embedded} for the embedded model), else the reference's {reference}.";
    }
}
