using System.CommandLine;
using System.Text;
using Motive.IO.Images;
using Motive.IO.Json;
using Motive.Methods.Editing;
using Motive.Cli.Progress;
using Motive.ToyWorld;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive eval word-swap`: Prompt-to-Prompt's colour word swaps on held-out toy scenes (<see cref="ToyWordSwap"/>), in
/// both modes, each beside the baseline without attention control; writes word-swap.md and word-swap.json.
/// </summary>
public static class EvalWordSwapCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 20, Description = "Number of held-out scenes." };
        var first = new Option<int>("--first") { DefaultValueFactory = _ => 0, Description = "Index of the first held-out scene (scene seed 2·S+1)." };
        var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "both", Description = "generated, picture or both." };
        var settingsJson = new Option<string?>("--settings") { Description = "Prompt-to-Prompt settings as JSON over the model's preset, e.g. {\"steps\": 20}." };
        var model = new Option<string?>("--model") { Description = "The toy model folder (default: the embedded one)." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("out", "eval-word-swap"), Description = "Report folder." };
        var cmd = new Command("word-swap", "Prompt-to-Prompt colour word swaps on held-out toy scenes, generated and as pictures, beside regenerating without attention control.")
            { n, first, mode, settingsJson, model, output };
        cmd.SetAction((r, cancel) =>
        {
            int cases = r.GetValue(n);
            if (cases < 1) throw new ArgumentException("--n must be at least 1");
            var which = r.GetValue(mode)!;
            if (which is not ("generated" or "picture" or "both")) throw new ArgumentException($"--mode must be generated, picture or both, not '{which}'");
            var method = EditMethods.Get(ToyWordSwap.P2pName);
            var over = r.GetValue(settingsJson) is { } json ? MotiveJson.Parse<Motive.Methods.PromptToPrompt.P2pSettings>(json, "--settings") : new();
            var settings = SettingsLayers.Over(over!, ((EditMethod<Motive.Methods.PromptToPrompt.P2pRequest, Motive.Methods.PromptToPrompt.P2pSettings>)method).Defaults(r.GetValue(model)));
            using var models = ToyModels.Load(r.GetValue(model));
            var cache = Directory.CreateTempSubdirectory("motive-word-swap-").FullName;
            var cases_ = Path.Combine(r.GetValue(output)!, "cases");
            Directory.CreateDirectory(cases_);
            var modes = which == "both" ? new[] { false, true } : [which == "picture"];
            var rows = ConsoleProgress.Run("eval word-swap", cases * modes.Length, "cases", r.InvocationConfiguration.Error, p =>
            {
                var all = new List<ToyWordSwap.Score>();
                int done = 0;
                for (int i = 0; i < cases; i++)
                    foreach (var picture in modes)
                    {
                        var c = ToyRecolour.Of(Motive.Scenes.HeldOut.SceneSeed(r.GetValue(first) + i));
                        all.AddRange(ToyWordSwap.Run(models, c, picture, settings, cache, (name, strip) => PngWriter.Write(Path.Combine(cases_, name + ".png"), strip), cancel));
                        p.Report(++done);
                    }
                return all;
            });
            Directory.Delete(cache, recursive: true);
            var md = new StringBuilder($"# Prompt-to-Prompt colour word swaps: {cases} held-out toy scenes, settings {MotiveJson.Serialize(settings)}\n\n");
            md.AppendLine("| mode | method | cases | colour right | IoU | PSNR outside (dB) | reconstruction PSNR (dB) |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var s in ToyWordSwap.Summarise(rows))
                md.AppendLine($"| {s.Mode} | {s.Method} | {s.Cases} | {s.ColourRight:P0} | {s.IoU:0.000} | {s.PsnrOutside:0.0} | {(s.Reconstruction is { } x ? x.ToString("0.0") : "")} |");
            var dir = r.GetValue(output)!;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "word-swap.md"), md.ToString());
            File.WriteAllText(Path.Combine(dir, "word-swap.json"), MotiveJson.Serialize(rows));
            r.InvocationConfiguration.Output.Write(md.ToString());
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
