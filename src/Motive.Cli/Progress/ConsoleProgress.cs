using System.Diagnostics;
using Motive.Methods.Editing;
using Spectre.Console;

namespace Motive.Cli.Progress;

/// <summary>
/// Progress of long work on stderr (stdout stays for results): a live bar with rate and ETA on a terminal,
/// plain lines at most every two seconds when stderr is redirected (logs, CI).
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Runs <paramref name="work"/>, which reports how much of <paramref name="total"/> is done.</summary>
    public static T Run<T>(string title, long total, string unit, TextWriter stderr, Func<IProgress<long>, T> work)
    {
        bool live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (live)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    unit == "bytes" ? new TransferSpeedColumn() : new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(title, maxValue: Math.Max(1, total));
                    return work(new SyncProgress(v => task.Value = v));
                });
        }

        // the rate counts from the first report: a resumed run starts at its checkpoint, not at 0
        Stopwatch? clock = null;
        long first = 0;
        var last = TimeSpan.Zero;
        var result = work(new SyncProgress(v =>
        {
            if (clock is null) { clock = Stopwatch.StartNew(); first = v; }
            if (clock.Elapsed - last < TimeSpan.FromSeconds(2) && v < total) return;
            last = clock.Elapsed;
            stderr.WriteLine(Line(title, v, total, unit, clock.Elapsed, first));
        }));
        return result;
    }

    /// <summary>
    /// Runs an edit whose progress comes in phases (<see cref="EditProgress"/>: invert, move, …): one bar (or one
    /// line series) per phase, each with its own rate and ETA.
    /// </summary>
    public static T Edit<T>(TextWriter stderr, Func<Action<EditProgress>, T> work)
    {
        bool live = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (live)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    return work(p =>
                    {
                        if (!tasks.TryGetValue(p.Phase, out var task)) tasks[p.Phase] = task = ctx.AddTask(p.Phase, maxValue: Math.Max(1, p.Total));
                        task.Value = p.Step;
                    });
                });
        }
        var phases = new Dictionary<string, (Stopwatch Clock, long First, TimeSpan Last)>();
        return work(p =>
        {
            if (!phases.TryGetValue(p.Phase, out var s)) s = (Stopwatch.StartNew(), p.Step, TimeSpan.FromSeconds(-10));
            if (s.Clock.Elapsed - s.Last >= TimeSpan.FromSeconds(2) || p.Step >= p.Total)
            {
                stderr.WriteLine(Line(p.Phase, p.Step, p.Total, "steps", s.Clock.Elapsed, s.First));
                s.Last = s.Clock.Elapsed;
            }
            phases[p.Phase] = s;
        });
    }

    /// <summary>"title: 45% (450/1000 steps), 12.3 steps/s, ETA 00:00:45"; the rate is of the work done since <paramref name="from"/>.</summary>
    public static string Line(string title, long done, long total, string unit, TimeSpan elapsed, long from = 0)
    {
        double rate = elapsed.TotalSeconds > 0 ? (done - from) / elapsed.TotalSeconds : 0;
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        string Amount(double v) => unit == "bytes" ? $"{v / 1048576:0.0} MiB" : $"{v:0.##} {unit}";
        return $"{title}: {100.0 * done / Math.Max(1, total):0}% ({Amount(done)} of {Amount(total)}), {Amount(rate)}/s, ETA {eta:hh\\:mm\\:ss}";
    }

    /// <summary>Reports on the calling thread (System.Progress would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
