using System.CommandLine;
using Motive.Cli.Progress;
using Motive.ToyWorld.Evaluation;

namespace Motive.Cli.Commands;

/// <summary>
/// `motive eval toy`: a ground-truth edit evaluation on held-out toy scenes (<see cref="ToyEval"/>), a measure of
/// quality (`motive bench` measures speed); the report folder gets what <see cref="ToyReport"/> writes. `motive bench
/// toy`, its old spelling, still runs it, hidden, and names the new one on stderr.
/// </summary>
public static class EvalToyCommand
{
    /// <summary>`motive eval toy`.</summary>
    public static Command Create() => Build(oldSpelling: false);

    /// <summary>`motive bench toy`: the same command, hidden from help, with a note on stderr.</summary>
    public static Command OldSpelling()
    {
        var cmd = Build(oldSpelling: true);
        cmd.Hidden = true;
        return cmd;
    }

    private static Command Build(bool oldSpelling)
    {
        var n = new Option<int>("--n") { DefaultValueFactory = _ => 50, Description = "Number of held-out edits." };
        var first = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Index of the first held-out scene (scene seed 2·S+1); with --set regions, of the set's first case." };
        var method = new Option<string>("--method")
        {
            DefaultValueFactory = _ => ToyEval.DefaultKind,
            Description = string.Join("; ", ToyEval.Kinds.Select(k => $"{k.Key}: {k.Value}")) + ".",
        };
        var set = new Option<string>("--set")
        {
            DefaultValueFactory = _ => ToyEval.Sets.Keys.First(),
            Description = "Which cases: " + string.Join("; ", ToyEval.Sets.Select(k => $"{k.Key}: {k.Value}")) + ".",
        };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => Path.Combine("out", "eval-toy"), Description = "Report folder." };
        var methods = new Option<string?>("--methods")
        {
            Description = $"With --method {ToyEval.DefaultKind}: which of its methods run beside Motion Guidance, comma-separated " +
                          $"(default all: {string.Join(", ", ToyBenchBatch.Methods.Select(m => m.Name))}).",
        };
        var cmd = new Command("toy", "Ground-truth edit evaluation on held-out toy scenes: a method beside its baselines, scored against the exact truth.")
            { n, first, method, set, output, methods };
        var toy = new ToyRunOptions();
        toy.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            if (oldSpelling) r.InvocationConfiguration.Error.WriteLine("motive: 'bench toy' is now 'eval toy' (bench measures speed); running it");
            var chosen = r.GetValue(methods)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var eval = ToyEval.Prepare(r.GetValue(method)!, r.GetValue(n), r.GetValue(first), toy.Overrides(r), r.GetValue(set)!, chosen);
            var markdown = ConsoleProgress.Run("eval toy", eval.Total, eval.Unit, r.InvocationConfiguration.Error,
                p => eval.Run(r.GetValue(output)!, k => p.Report(k), cancel));
            r.InvocationConfiguration.Output.Write(markdown);
            return Task.FromResult(CliApp.Ok);
        });
        return cmd;
    }
}
