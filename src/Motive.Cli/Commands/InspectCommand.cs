using System.CommandLine;
using Motive.Cli.Progress;
using Motive.IO.Inspection;
using Motive.IO.StateDicts;

namespace Motive.Cli.Commands;

/// <summary>`motive inspect FILE|FOLDER`: what a file is, its tensors and metadata.</summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A weight file (.safetensors, .ckpt, .pth, .bin), a diffusers model folder, a flow file or an image." };
        var all = new Option<bool>("--all") { Description = "List every tensor (by default the first 40)." };
        var verify = new Option<bool>("--verify") { Description = "Also read every tensor of a weight file and count NaN/infinite values." };
        var cmd = new Command("inspect", "Tell what a file or model folder is and list its tensors and metadata.") { path, all, verify };
        cmd.SetAction((r, cancel) =>
        {
            var file = r.GetValue(path)!;
            var output = r.InvocationConfiguration.Output;
            var report = FileInspector.Inspect(file);
            ReportPrinter.Print(report, output, r.GetValue(all) ? int.MaxValue : 40);
            if (r.GetValue(verify) && File.Exists(file) && WeightFileKinds.Sniff(file) != WeightFileKind.Unknown)
            {
                using var sd = StateDict.Open(file);
                var result = ConsoleProgress.Run("verify", sd.Tensors.Sum(t => t.ByteSize), "bytes", r.InvocationConfiguration.Error,
                    p => TensorVerifier.Verify(sd, p, cancel));
                foreach (var (name, n) in result.NonFinite) output.WriteLine($"  non-finite: {name}: {n} values");
                output.WriteLine($"  verified: {result.Tensors} tensors, {result.Bytes} bytes, {result.NonFinite.Count} with NaN/Inf");
                if (result.NonFinite.Count > 0) return Task.FromResult(CliApp.BadInput);
            }
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
