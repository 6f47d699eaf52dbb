using System.CommandLine;
using Motive.Methods.Editing;
using System.Globalization;
using Motive.Cli.Progress;
using Motive.IO;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.Sampling.Pipelines;
using TorchSharp;

namespace Motive.Cli.Commands;

/// <summary>`motive generate`: text-to-image (and image-to-image with --image/--strength) with DDIM.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var prompt = new Option<string>("--prompt") { Description = "What to draw.", Required = true };
        var negative = new Option<string>("--negative-prompt") { Description = "What to steer away from (classifier-free guidance).", DefaultValueFactory = _ => "" };
        var width = new Option<int?>("--width") { Description = "Multiple of 8 (default: the model's own size, 512 for SD 1.x, 128 for the embedded model)." };
        var height = new Option<int?>("--height") { Description = "Multiple of 8 (default: the model's own size)." };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 50 };
        var guidance = new Option<double>("--guidance") { DefaultValueFactory = _ => 7.5, Description = "Classifier-free guidance scale (1 = off)." };
        var eta = new Option<double>("--eta") { DefaultValueFactory = _ => 0.0, Description = "DDIM eta (0 = deterministic)." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0L };
        var latents = new Option<string?>("--latents") { Description = "Starting noise: a .safetensors file with key 'latents' [1,4,H/8,W/8]." };
        var image = new Option<string?>("--image") { Description = "Image-to-image (SDEdit): the input image." };
        var strength = new Option<double>("--strength") { DefaultValueFactory = _ => 0.8, Description = "With --image: how much of the schedule to redo (0..1]." };
        var output = new Option<string>("--out") { Description = "Output PNG (the run's parameters go into its text chunks).", Required = true };
        var tensors = new Option<string?>("--save-tensors") { Description = "Also write 'image' [1,3,H,W] in [0,1] and 'latents' to this .safetensors file." };
        var cmd = new Command("generate", "Generate an image from a prompt with Stable Diffusion and DDIM.")
            { prompt, negative, width, height, steps, guidance, eta, seed, latents, image, strength, output, tensors };
        model.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            if (r.GetValue(width) is not null || r.GetValue(height) is not null) EditLimits.CheckSize("--width/--height", r.GetValue(width) ?? 1, r.GetValue(height) ?? 1);   // before any model is loaded
            using var sd = model.Load(r);
            using var start = r.GetValue(latents) is { } lf ? Latents.Read(lf, "latents") : null;
            using var init = r.GetValue(image) is { } imf ? ImageTensors.ToTensorPm1(ImageReader.Read(imf)) : null;
            int w = r.GetValue(width) ?? sd.NativeSize, h = r.GetValue(height) ?? sd.NativeSize;
            if (init is not null) { h = (int)init.shape[2]; w = (int)init.shape[3]; }
            var request = new Txt2ImgRequest(r.GetValue(prompt)!, r.GetValue(negative)!, w, h, r.GetValue(steps), r.GetValue(guidance),
                r.GetValue(eta), r.GetValue(seed), start, init, r.GetValue(strength));
            using var result = ConsoleProgress.Run("generate", request.Steps, "steps", r.InvocationConfiguration.Error,
                p => Txt2Img.Run(sd, request, (done, _) => p.Report(done), cancel));
            var meta = new Dictionary<string, string>
            {
                ["motive.command"] = "generate", ["motive.version"] = CliApp.Version, ["motive.model"] = model.PathOf(r),
                ["motive.prompt"] = request.Prompt, ["motive.negative_prompt"] = request.NegativePrompt,
                ["motive.steps"] = Str(request.Steps), ["motive.guidance"] = Str(request.GuidanceScale), ["motive.eta"] = Str(request.Eta),
                ["motive.seed"] = Str(request.Seed), ["motive.size"] = $"{w}x{h}", ["motive.dtype"] = r.GetValue(model.DType)!,
            };
            if (init is not null) { meta["motive.image"] = r.GetValue(image)!; meta["motive.strength"] = Str(request.Strength); }
            PngWriter.Write(r.GetValue(output)!, ImageTensors.FromTensor01(result.Image), meta);
            if (r.GetValue(tensors) is { } tf)
                SafetensorsWriter.Write(tf, [new("image", result.Image), new("latents", result.Latents)], meta);
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    internal static string Str(IFormattable v) => v.ToString(null, CultureInfo.InvariantCulture);
}
