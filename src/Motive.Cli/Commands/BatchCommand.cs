using System.CommandLine;
using System.Diagnostics;
using Motive.Batch;
using Motive.ToyWorld.Evaluation;
using Motive.Cli.Progress;
using Motive.IO;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>`motive batch expand|run|slurm|k8s|report`: manifests of edit requests, run here or on a cluster's engine.</summary>
public static class BatchCommand
{
    public static Command Create()
    {
        var cmd = new Command("batch", "Run many edits: manifests (JSON Lines of requests), sharded resumable runs, Slurm arrays, Kubernetes Indexed Jobs, reports.");
        cmd.Add(ExpandCommand());
        cmd.Add(RunCommand());
        cmd.Add(SlurmCommand());
        cmd.Add(K8sCommand());
        cmd.Add(ReportCommand());
        return cmd;
    }

    private static Command ExpandCommand()
    {
        var sweep = new Option<string?>("--sweep") { Description = "A sweep file: {\"id\", \"base\": request, \"vary\": {\"settings.steps\": [..], ...}} (cartesian product)." };
        // One option per dataset of case folders a method reads (e.g. --dragbench DIR).
        var datasets = EditMethods.All.Where(m => m.Description.Cases is not null)
            .Select(m => (Method: m, Option: new Option<string?>("--" + m.Description.Cases!.Name) { Description = $"A tree of {m.Description.Cases!.Name} case folders: one {m.Name} item per case." }))
            .ToList();
        var output = new Option<string>("--out") { Description = "The manifest to write (.jsonl).", Required = true };
        var cmd = new Command("expand", "Make a manifest from a sweep of settings or a tree of case folders.") { sweep, output };
        foreach (var (_, option) in datasets) cmd.Add(option);
        cmd.SetAction(r =>
        {
            var outPath = r.GetValue(output)!;
            var manifestDir = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
            var given = datasets.Where(d => r.GetValue(d.Option) is not null).ToList();
            var choices = string.Join(" or ", datasets.Select(d => $"{d.Option.Name} DIR").Prepend("--sweep FILE"));
            var items = (r.GetValue(sweep), given.Count) switch
            {
                ({ } s, 0) => Expand.Sweep(s),
                (null, 1) => Expand.Cases(given[0].Method, r.GetValue(given[0].Option)!, manifestDir),
                _ => throw new ArgumentException($"give one of {choices}"),
            };
            Manifest.Write(outPath, items);
            r.InvocationConfiguration.Output.WriteLine($"wrote {outPath}: {items.Count} items");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command RunCommand()
    {
        var manifest = new Argument<string>("manifest") { Description = "The manifest (.jsonl): one edit request with an \"id\" per line." };
        var output = new Option<string>("--out") { Description = "The batch folder (items/ID per item).", Required = true };
        var shard = new Option<string?>("--shard") { Description = "Run shard I/N only." };
        var shards = new Option<int?>("--shards") { Description = "N shards, this worker's index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu or cuda (cuda:N)." };
        var maxMemory = EditRunner.MaxMemoryOption();
        var cmd = new Command("run", "Run a manifest (or one shard of it): models loaded once, each item written whole, finished items skipped.") { manifest, output, shard, shards, device, maxMemory };
        cmd.SetAction((r, cancel) =>
        {
            var path = r.GetValue(manifest)!;
            var io = r.InvocationConfiguration;
            var dev = r.GetValue(device)!;
            EditModels.CheckDevice(dev);
            var items = Manifest.Read(path);
            var part = ShardOf(r.GetValue(shard), r.GetValue(shards));
            var outDir = r.GetValue(output)!;
            using var models = new EditModels(dev, EditRunner.MaxMemoryMiB(r, maxMemory));
            var clock = Stopwatch.StartNew();
            var summary = ConsoleProgress.Edit(io.Error, progress => BatchRun.Run(items, outDir, part, models, new FileInputs(Path.GetDirectoryName(Path.GetFullPath(path))),
                (k, n, item) => io.Error.WriteLine($"motive batch: shard {part}, item {k + 1} of {n}: {item.Id}" + (k > 0 ? $" ({clock.Elapsed.TotalSeconds / k:0.0} s an item, ETA {TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / k * (n - k)):hh\\:mm\\:ss})" : "")),
                progress, cancel, CliApp.Describe));
            foreach (var (id, outcome, error) in summary.Items.Where(i => i.Outcome == ItemOutcome.Failed)) io.Error.WriteLine($"motive batch: {id} failed: {error}");
            io.Output.WriteLine($"shard {part} of {path}: {summary.Count(ItemOutcome.Done)} done, {summary.Count(ItemOutcome.Skipped)} already done, {summary.Count(ItemOutcome.Failed)} failed ({clock.Elapsed.TotalSeconds:0.0} s) in {outDir}");
            return Task.FromResult(summary.Count(ItemOutcome.Failed) > 0 ? CliApp.BadInput : CliApp.Ok);
        });
        return cmd;
    }

    /// <summary>--shard I/N, or --shards N with the index from the engine, or an engine's own index and count, or the whole manifest.</summary>
    private static Shard ShardOf(string? shard, int? shards)
    {
        if (shard is not null)
            return shards is null ? Shard.Parse(shard) : throw new ArgumentException("give --shard I/N or --shards N, not both");
        if (Shard.FromEnvironment(shards) is { } fromEngine) return fromEngine;
        return shards is null ? Shard.All
            : throw new ArgumentException("--shards N needs the index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; give --shard I/N otherwise");
    }

    private static Command SlurmCommand()
    {
        var manifest = new Argument<string>("manifest") { Description = "The manifest (.jsonl)." };
        var shards = new Option<int>("--shards") { Description = "Array tasks (shards).", Required = true };
        var output = new Option<string>("--out") { Description = "The batch folder (on storage every node sees).", Required = true };
        var jobFile = new Option<string>("--job-file") { Description = "The sbatch script to write.", Required = true };
        var gpus = new Option<int?>("--gpus-per-task") { Description = "GPUs per array task (then the tasks run with --device cuda)." };
        var cpus = new Option<int?>("--cpus-per-task") { Description = "CPUs per array task." };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition." };
        var time = new Option<string?>("--time") { Description = "Time limit per task, HH:MM:SS." };
        var motive = new Option<string?>("--motive") { Description = "How the nodes start motive (default: this very program)." };
        var submit = new Option<bool>("--submit") { Description = "Also submit it (sbatch)." };
        var cmd = new Command("slurm", "Write an sbatch job-array script for a manifest (and submit it).") { manifest, shards, output, jobFile, gpus, cpus, partition, time, motive, submit };
        cmd.SetAction(r =>
        {
            var path = Path.GetFullPath(r.GetValue(manifest)!);
            Manifest.Read(path);
            var script = new SlurmScript(path, Path.GetFullPath(r.GetValue(output)!), r.GetValue(shards), r.GetValue(motive) ?? SelfCommand(),
                Partition: r.GetValue(partition), Time: r.GetValue(time), GpusPerTask: r.GetValue(gpus), CpusPerTask: r.GetValue(cpus),
                Device: r.GetValue(gpus) is > 0 ? "cuda" : "cpu");
            var file = r.GetValue(jobFile)!;
            var text = script.Text();
            Directory.CreateDirectory(Path.Combine(script.OutDir, "logs"));
            AtomicFile.WriteAllBytes(file, System.Text.Encoding.UTF8.GetBytes(text));
            var io = r.InvocationConfiguration;
            io.Output.WriteLine($"wrote {file}: an array of {script.Shards} tasks over {path}");
            if (r.GetValue(submit)) io.Output.WriteLine(Sbatch(file));
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command K8sCommand()
    {
        var manifest = new Argument<string>("manifest") { Description = "The manifest (.jsonl), as the pods see its path." };
        var shards = new Option<int>("--shards") { Description = "Completions (shards).", Required = true };
        var image = new Option<string>("--image") { Description = "A container image with motive on its PATH.", Required = true };
        var output = new Option<string>("--out") { Description = "The batch folder, as the pods see it.", Required = true };
        var jobFile = new Option<string>("--job-file") { Description = "The Job YAML to write.", Required = true };
        var name = new Option<string>("--name") { DefaultValueFactory = _ => "motive-batch", Description = "The Job's name." };
        var parallelism = new Option<int?>("--parallelism") { Description = "Pods at once (default: all shards)." };
        var claim = new Option<string?>("--claim") { Description = "A PersistentVolumeClaim mounted at --out." };
        var gpus = new Option<int?>("--gpus-per-pod") { Description = "nvidia.com/gpu per pod (then --device cuda)." };
        var cmd = new Command("k8s", "Write a Kubernetes Indexed Job for a manifest.") { manifest, shards, image, output, jobFile, name, parallelism, claim, gpus };
        cmd.SetAction(r =>
        {
            var job = new KubernetesJob(r.GetValue(manifest)!, r.GetValue(output)!, r.GetValue(shards), r.GetValue(image)!, r.GetValue(name)!,
                r.GetValue(parallelism), Claim: r.GetValue(claim), GpusPerPod: r.GetValue(gpus), Device: r.GetValue(gpus) is > 0 ? "cuda" : "cpu");
            var file = r.GetValue(jobFile)!;
            AtomicFile.WriteAllBytes(file, System.Text.Encoding.UTF8.GetBytes(job.Yaml()));
            r.InvocationConfiguration.Output.WriteLine($"wrote {file}: an Indexed Job of {job.Shards} completions (kubectl apply -f {file})");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command ReportCommand()
    {
        var dir = new Argument<string>("dir") { Description = "A batch folder." };
        var cmd = new Command("report", "Tabulate a batch: settings that vary, metrics, failures (report.md, report.json, contact.png).") { dir };
        cmd.SetAction(r =>
        {
            var outDir = r.GetValue(dir)!;
            var report = BatchReport.Write(outDir, ToyBenchBatch.Is(outDir) ? r => ToyBenchBatch.WithTruth(outDir, r) : null);
            r.InvocationConfiguration.Output.WriteLine($"wrote {Path.Combine(outDir, "report.md")}: {report.Items.Count} done, {report.Failed.Count} failed");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>This program as a shell command: its apphost, or `dotnet motive.dll`.</summary>
    private static string SelfCommand()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "motive.dll");
        var host = Path.Combine(AppContext.BaseDirectory, "motive");
        return File.Exists(host) ? SlurmScript.Quote(host) : $"dotnet {SlurmScript.Quote(dll)}";
    }

    private static string Sbatch(string file)
    {
        var start = new ProcessStartInfo("sbatch", ["--parsable", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process p;
        try
        {
            p = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new ArgumentException("--submit: sbatch is not on this machine's PATH (is Slurm installed?)");
        }
        using (p)
        {
            var output = p.StandardOutput.ReadToEnd();
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new ArgumentException($"sbatch refused {file}: {error.Trim()}");
            return $"submitted job array {output.Trim().Split(';')[0]}";
        }
    }
}
