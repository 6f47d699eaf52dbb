using System.CommandLine;
using Motive.Cli.Progress;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.Sampling.Pipelines;
using Motive.Sampling.Schedules;
using TorchSharp;

namespace Motive.Cli.Commands;

/// <summary>`motive invert`: DDIM inversion of a real image; optionally regenerates it and reports PSNR.</summary>
public static class InvertCommand
{
    public static Command Create()
    {
        var model = new ModelOptions();
        var image = new Option<string>("--image") { Description = "The image to invert (sides multiples of 8).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "A description of the image (\"\" for none).", DefaultValueFactory = _ => "" };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 50 };
        var refinements = new Option<int>("--refinements") { DefaultValueFactory = _ => 0, Description = "Fixed-point refinements per step (0 = classic DDIM inversion)." };
        var output = new Option<string>("--out") { Description = "Output .safetensors: 'trajectory' [steps,1,4,h,w] (index i enters DDIM step i, noisiest first), 'timesteps', 'zT', 'z0'.", Required = true };
        var reconstruct = new Option<string?>("--reconstruct") { Description = "Also sample back from zT and write the image here (PNG); prints PSNR against the input." };
        var cmd = new Command("invert", "Invert a real image with DDIM: the latents of every step, ready for editing.")
            { image, prompt, steps, refinements, output, reconstruct };
        model.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            using var sd = model.Load(r);
            var input = ImageReader.Read(r.GetValue(image)!);
            if (input.Width % 8 != 0 || input.Height % 8 != 0)
                throw new ArgumentException($"{r.GetValue(image)}: {input.Width}x{input.Height} is not a multiple of 8 on both sides");
            using var x = ImageTensors.ToTensorPm1(input);
            int n = r.GetValue(steps);
            var text = r.GetValue(prompt)!;
            using var inv = ConsoleProgress.Run("invert", n, "steps", r.InvocationConfiguration.Error,
                p => Inversion.Invert(sd, x, text, n, 1.0, r.GetValue(refinements), (d, _) => p.Report(d), cancel));
            using var zt = inv.Trajectory[0];
            using var ts = torch.tensor(inv.Timesteps);
            SafetensorsWriter.Write(r.GetValue(output)!, [new("trajectory", inv.Trajectory), new("timesteps", ts), new("zT", zt), new("z0", inv.Z0)],
                new Dictionary<string, string> { ["motive.command"] = "invert", ["motive.prompt"] = text, ["motive.steps"] = n.ToString() });
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            if (r.GetValue(reconstruct) is { } png)
            {
                using var cond = new Conditioning(sd, text, "", 1.0);
                using var z0 = ConsoleProgress.Run("reconstruct", n, "steps", r.InvocationConfiguration.Error,
                    p => DdimSampler.Sample(sd, DdimSchedule.From(sd.SchedulerConfig), inv.Timesteps, zt, cond, onStep: (d, _) => p.Report(d), cancel: cancel));
                using var img = Latents.Decode(sd, z0);
                PngWriter.Write(png, ImageTensors.FromTensor01(img), new Dictionary<string, string> { ["motive.command"] = "invert --reconstruct" });
                using var orig = ImageTensors.ToTensor01(input);
                double mse = (img - orig).square().mean().item<float>();
                r.InvocationConfiguration.Output.WriteLine($"wrote {png}; PSNR against the input {10 * Math.Log10(1 / Math.Max(mse, 1e-12)):0.00} dB ({n} steps)");
            }
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
