using System.CommandLine;
using Motive.Cli.Progress;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive invert`: DDIM inversion of a real image, or null-text inversion (`--null-text`: the pivot plus per-step
/// unconditional embeddings that make guided sampling reproduce it); optionally regenerates it and reports PSNR.
/// </summary>
public static class InvertCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var image = new Option<string>("--image") { Description = "The image to invert (sides multiples of 8).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "A description of the image (\"\" for none).", DefaultValueFactory = _ => "" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 50 };
        var refinements = new Option<int>("--refinements") { DefaultValueFactory = _ => 0, Description = "Fixed-point refinements per step (0 = classic DDIM inversion)." };
        var nullText = new Option<bool>("--null-text") { Description = "Null-text inversion: after DDIM inversion (the pivot), optimise the unconditional text of every step so that sampling at --guidance lands on the pivot; 'uncond' [steps,1,77,D] is added to the output." };
        var guidance = new Option<double?>("--guidance") { Description = "Classifier-free guidance of the sampling the result is for (the reconstruction's; what null-text inversion optimises for). Default 7.5 with --null-text, else 1." };
        var inner = new Option<int>("--inner-steps") { DefaultValueFactory = _ => 10, Description = "Null-text inversion: Adam iterations per step at most." };
        var earlyStop = new Option<double>("--early-stop") { DefaultValueFactory = _ => 1e-5, Description = "Null-text inversion: a step's iterations stop when the loss falls under this (plus 2e-5 per step)." };
        var output = new Option<string>("--out") { Description = "Output .safetensors: 'trajectory' [steps,1,4,h,w] (index i enters DDIM step i, noisiest first), 'timesteps', 'zT', 'z0' (and 'uncond' with --null-text).", Required = true };
        var reconstruct = new Option<string?>("--reconstruct") { Description = "Also sample back from zT at --guidance and write the image here (PNG); prints PSNR against the input (with --null-text also plain DDIM inversion's at the same guidance)." };
        var cmd = new Command("invert", "Invert a real image with DDIM, or with null-text inversion for guided editing: the latents of every step, ready for editing.")
            { image, prompt, steps, refinements, nullText, guidance, inner, earlyStop, output, reconstruct };
        model.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            bool isNullText = r.GetValue(nullText);
            double w = r.GetValue(guidance) ?? (isNullText ? 7.5 : 1.0);
            int n = r.GetValue(steps);
            if (n < 1) throw new ArgumentException($"--steps must be at least 1 (got {n})");
            if (w < 1 || !double.IsFinite(w)) throw new ArgumentException($"--guidance must be 1 or more (got {w})");
            if (isNullText && w <= 1) throw new ArgumentException("null-text inversion needs --guidance above 1: it optimises the unconditional text that guidance mixes in");
            if (isNullText && r.GetValue(refinements) != 0) throw new ArgumentException("null-text inversion's pivot is classic DDIM inversion: drop --refinements");
            if (isNullText && r.GetValue(inner) < 0) throw new ArgumentException($"--inner-steps must be 0 or more (got {r.GetValue(inner)})");
            var input = ImageReader.Read(r.GetValue(image)!);
            if (input.Width % 8 != 0 || input.Height % 8 != 0)
                throw new ArgumentException($"{r.GetValue(image)}: {input.Width}x{input.Height} is not a multiple of 8 on both sides");
            using var sd = model.Load(r);
            using var x = ImageTensors.ToTensorPm1(input);
            var text = r.GetValue(prompt)!;
            var meta = new Dictionary<string, string>
            {
                ["motive.command"] = isNullText ? "invert --null-text" : "invert", ["motive.prompt"] = text, ["motive.steps"] = n.ToString(),
                ["motive.guidance"] = w.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var stderr = r.InvocationConfiguration.Error;
            var stdout = r.InvocationConfiguration.Output;
            var schedule = DdimSchedule.From(sd.SchedulerConfig);
            using var cond = Prompts.Encode(sd, text);
            using var empty = Prompts.Encode(sd, "");
            bool again = r.GetValue(reconstruct) is not null;
            Tensor? rebuilt = null;
            double? plainPsnr = null;
            if (isNullText)
            {
                var settings = new NullTextSettings(n, w, r.GetValue(inner), r.GetValue(earlyStop));
                using var inv = ConsoleProgress.Run("null-text inversion", 2 * n, "steps", stderr,
                    p => NullTextInversion.Invert(sd, schedule, x, cond, empty, settings, onStep: (d, _) => p.Report(d), cancel: cancel));
                using var trajectory = inv.Pivot.narrow(0, 1, n).flip(0);
                using var ts = tensor(inv.Timesteps);
                using var zt = inv.XT;
                using var z0 = inv.Pivot[0];
                SafetensorsWriter.Write(r.GetValue(output)!, [new("trajectory", trajectory), new("timesteps", ts), new("zT", zt), new("z0", z0), new("uncond", inv.Uncond)], meta);
                stdout.WriteLine($"wrote {r.GetValue(output)} ({inv.Records.InnerSteps.Sum()} Adam iterations over {n} steps)");
                if (again)
                {
                    rebuilt = ConsoleProgress.Run("reconstruct", n, "steps", stderr,
                        p => NullTextInversion.Reconstruct(sd, schedule, inv, cond, w, (d, _) => p.Report(d), cancel));
                    using var plain = Sample(sd, schedule, inv.Timesteps, zt, cond, empty, w, stderr, cancel);
                    using var plainPicture = Latents.Decode(sd, plain);
                    plainPsnr = Psnr(plainPicture, input);
                }
            }
            else
            {
                using var inv = ConsoleProgress.Run("invert", n, "steps", stderr,
                    p => Inversion.Invert(sd, x, text, n, 1.0, r.GetValue(refinements), (d, _) => p.Report(d), cancel));
                using var ts = tensor(inv.Timesteps);
                using var zt = inv.Trajectory[0];
                SafetensorsWriter.Write(r.GetValue(output)!, [new("trajectory", inv.Trajectory), new("timesteps", ts), new("zT", zt), new("z0", inv.Z0)], meta);
                stdout.WriteLine($"wrote {r.GetValue(output)}");
                if (again) rebuilt = Sample(sd, schedule, inv.Timesteps, zt, cond, empty, w, stderr, cancel);
            }
            if (rebuilt is not null)
            {
                using (rebuilt)
                {
                    var png = r.GetValue(reconstruct)!;
                    using var img = Latents.Decode(sd, rebuilt);
                    PngWriter.Write(png, ImageTensors.FromTensor01(img), new Dictionary<string, string> { ["motive.command"] = "invert --reconstruct" });
                    var beside = plainPsnr is { } pp ? $"; plain DDIM inversion at the same guidance {pp:0.00} dB" : "";
                    stdout.WriteLine($"wrote {png}; PSNR against the input {Psnr(img, input):0.00} dB ({n} steps, guidance {w}{beside})");
                }
            }
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }

    /// <summary>DDIM from <paramref name="zt"/> with one unconditional text for every step (guidance 1: the prompt alone).</summary>
    private static Tensor Sample(StableDiffusionModel sd, DdimSchedule schedule, long[] timesteps, Tensor zt, Tensor cond, Tensor uncond, double guidance,
        TextWriter stderr, CancellationToken cancel)
    {
        using var c = new Conditioning(cond, uncond, guidance);
        return ConsoleProgress.Run(guidance > 1 ? "reconstruct (plain)" : "reconstruct", timesteps.Length, "steps", stderr,
            p => DdimSampler.Sample(sd, schedule, timesteps, zt, c, onStep: (d, _) => p.Report(d), cancel: cancel));
    }

    /// <summary>PSNR in dB of a decoded picture [1,3,H,W] in [0,1] against the input.</summary>
    private static double Psnr(Tensor picture, RgbImage input)
    {
        using var orig = ImageTensors.ToTensor01(input);
        double mse = (picture.cpu() - orig).square().mean().item<float>();
        return 10 * Math.Log10(1 / Math.Max(mse, 1e-12));
    }
}
