using System.Diagnostics;
using System.Text.RegularExpressions;
using Motive.Batch;
using Motive.Tests.Support;
using Xunit.Abstractions;

namespace Motive.Tests.Batch;

/// <summary>
/// A manifest on a real Slurm: the single-node cluster that .ci/slurm-up starts on this machine (.ci/run runs it; the
/// test installs and starts nothing, and without a ready node fails with one line saying so). A 2-task array over 4
/// items makes all 4; an array task cancelled with scancel mid-item and the array resubmitted finishes the rest
/// without redoing what was finished.
/// </summary>
[Trait(Tier.Category, Tier.Cluster)]
public class SlurmBatchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AJobArray_RunsTheManifest_AndAResubmissionAfterScancelRedoesNothingFinished()
    {
        Up();
        using var dir = new TempDir();
        var (path, items) = BatchToy.Write(dir.Path, [6, -6, 10, -10], steps: 4);
        var outDir = dir.File("out");
        var job = Submit(path, outDir, dir.File("job.sbatch"));
        await Finished(job, TimeSpan.FromMinutes(10));
        foreach (var item in items) Assert.True(BatchRun.IsDone(outDir, item), $"{item.Id} is not done: {Logs(outDir)}");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(outDir, BatchRun.ItemsFolder), "*" + BatchRun.ErrorSuffix));

        // Longer items: cancel shard 0 while it runs its second item, then resubmit the same script.
        var (path2, items2) = BatchToy.Write(dir.Path, [6, -6, 10, -10], steps: 16);
        var out2 = dir.File("out2");
        var second = Submit(path2, out2, dir.File("job2.sbatch"));
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (!(BatchRun.IsDone(out2, items2[0]) && Logs(out2).Contains("shard 0/2, item 2 of 2")))
        {
            Assert.True(DateTime.UtcNow < until, "shard 0 never reached its second item: " + Logs(out2));
            await Task.Delay(500);
        }
        var finishedBefore = BatchToy.Finished(out2, items2[0].Id);
        Command("scancel", $"{second}_0");
        await Finished($"{second}_0", TimeSpan.FromMinutes(2));
        Assert.False(BatchRun.IsDone(out2, items2[2]), "the cancelled task's second item finished anyway");
        await Finished(second, TimeSpan.FromMinutes(10));

        var third = Resubmit(dir.File("job2.sbatch"));
        await Finished(third, TimeSpan.FromMinutes(10));
        foreach (var item in items2) Assert.True(BatchRun.IsDone(out2, item), $"{item.Id} is not done after resubmitting: {Logs(out2)}");
        Assert.Equal(finishedBefore, BatchToy.Finished(out2, items2[0].Id));
        var log = File.ReadAllText(Path.Combine(out2, "logs", $"{third}_0.out"));
        Assert.Contains("1 done, 1 already done, 0 failed", log);
        output.WriteLine(Logs(out2));
    }

    /// <summary>A Slurm node that takes jobs (what .ci/slurm-up waits for), or the test fails with one line naming that script.</summary>
    private static void Up()
    {
        var (code, text) = Command("sinfo", "-h", "-o", "%T");
        if (code != 0 || !Regex.IsMatch(text, "idle|mix|alloc"))
        {
            var said = string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Fail($"no Slurm node ready here (sinfo: {(said.Length > 0 ? said : "no node")}): .ci/slurm-up starts one (.ci/run runs it)");
        }
    }

    private static string Submit(string manifest, string outDir, string jobFile)
    {
        var (code, o, e) = CliRunner.Run("batch", "slurm", manifest, "--shards", "2", "--out", outDir, "--job-file", jobFile, "--submit");
        Assert.True(code == 0, e);
        return Regex.Match(o, @"submitted job array (\d+)").Groups[1].Value;
    }

    private static string Resubmit(string jobFile)
    {
        var (code, text) = Command("sbatch", "--parsable", jobFile);
        Assert.True(code == 0, text);
        return text.Trim().Split(';')[0];
    }

    /// <summary>Waits until Slurm no longer lists <paramref name="job"/> (an array, or one of its tasks).</summary>
    private static async Task Finished(string job, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (Command("squeue", "-h", "-j", job).Text.Trim().Length > 0)
        {
            Assert.True(DateTime.UtcNow < until, $"job {job} still queued or running after {limit}: {Command("squeue").Text}");
            await Task.Delay(500);
        }
    }

    private static string Logs(string outDir) =>
        Directory.Exists(Path.Combine(outDir, "logs"))
            ? string.Join("\n", Directory.EnumerateFiles(Path.Combine(outDir, "logs")).Order().Select(f => $"== {Path.GetFileName(f)}\n" + string.Join("\n", File.ReadAllLines(f).Where(l => l.StartsWith("motive") || l.StartsWith("shard")))))
            : "(no logs)";

    private static (int Code, string Text) Command(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(start)!;
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o.Result + e);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (127, $"{file} is not on the PATH");
        }
    }
}
