using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Motive.Batch;
using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Tests.Support;

namespace Motive.Tests.Batch;

/// <summary>Manifests, sweeps, DragBench trees, shard indices from the engines, and the Slurm and Kubernetes job files.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ManifestTests
{
    private const string Base = """{"method": "motion-guidance", "source": {"kind": "image", "image": "a.png"}, "motion": {"draw": {"strokes": [{"kind": "translate", "dx": 4, "dy": 0}]}}}""";

    [Fact]
    public void ASweep_IsTheCartesianProduct_FirstKeySlowest()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("sweep.json"), $$$"""{"id": "w", "base": {{{Base}}}, "vary": {"source.image": ["a.png", "b.png"], "settings.guidance_weight": [100, 200, 300]}}""");
        var items = Expand.Sweep(dir.File("sweep.json"));
        Assert.Equal(["w-000", "w-001", "w-002", "w-003", "w-004", "w-005"], items.Select(i => i.Id));
        var mg = items.Select(i => (MotionGuidanceRequest)i.Request).ToList();
        Assert.Equal(["a.png", "a.png", "a.png", "b.png", "b.png", "b.png"], mg.Select(r => ((ImageSource)r.Source).Image));
        Assert.Equal([100.0, 200, 300, 100, 200, 300], mg.Select(r => r.Settings.GuidanceWeight!.Value));
        Assert.Equal(6, items.Select(i => i.Hash).Distinct().Count());
        Manifest.Write(dir.File("m.jsonl"), items);
        Assert.Equal(items.Select(i => i.Hash), Manifest.Read(dir.File("m.jsonl")).Select(i => i.Hash));
        File.WriteAllText(dir.File("bad.json"), $$$"""{"base": {{{Base}}}, "vary": {"source.image.name": ["x"]}}""");
        Assert.Contains("'image' is not an object", Assert.Throws<Motive.IO.MotiveFormatException>(() => Expand.Sweep(dir.File("bad.json"))).Message);
    }

    [Fact]
    public void ADragBenchTree_IsOneItemPerCase()
    {
        using var dir = new TempDir();
        foreach (var c in new[] { "animals/JH_1", "art_work/JH_2", "art_work/JH_3" })
        {
            Directory.CreateDirectory(dir.File(c));
            File.WriteAllBytes(Path.Combine(dir.File(c), "original_image.png"), []);
            File.WriteAllBytes(Path.Combine(dir.File(c), "meta_data.pkl"), []);
        }
        Directory.CreateDirectory(dir.File("animals/not_a_case"));
        var items = Expand.Cases(EditMethods.Get("drag"), dir.Path, dir.Path);
        Assert.Equal(["animals_JH_1", "art_work_JH_2", "art_work_JH_3"], items.Select(i => i.Id));
        Assert.Equal(Path.Combine("art_work", "JH_3"), ((Motive.Methods.DragDiffusion.DragRequest)items[2].Request).Case);
    }

    [Theory]
    [InlineData("{\"method\": \"motion-guidance\"", "line 1: is not valid JSON")]
    [InlineData(Base, "line 1: has no \"id\"")]
    [InlineData("{\"id\": \"a/b\", \"method\": \"drag\"}", "ids name folders")]
    [InlineData("{\"id\": \"x\", \"method\": \"paint\"}", "unknown method 'paint'")]
    [InlineData("# a comment\n\n{\"id\": \"x\", \"method\": \"drag\", \"image\": \"a.png\"}\n{\"id\": \"x\", \"method\": \"drag\", \"image\": \"a.png\"}", "line 4: repeats the id 'x'")]
    [InlineData("\n# nothing\n", "holds no edit requests")]
    public void ABadManifest_IsOneLine_NamingTheLine(string text, string message)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.jsonl"), text);
        var e = Assert.ThrowsAny<Motive.IO.MotiveFormatException>(() => Manifest.Read(dir.File("m.jsonl")));
        Assert.Contains(message, e.Message);
        var (code, _, err) = CliRunner.Run("batch", "run", dir.File("m.jsonl"), "--out", dir.File("out"));
        Assert.Equal(1, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void EngineIndices_MapToShards_ThatCoverTheManifestOnce()
    {
        Dictionary<string, string?> env = [];
        string? Env(string k) => env.GetValueOrDefault(k);
        Assert.Null(Shard.FromEnvironment(null, Env));
        env["SLURM_ARRAY_TASK_ID"] = "3";
        env["SLURM_ARRAY_TASK_COUNT"] = "4";
        Assert.Equal(new Shard(3, 4), Shard.FromEnvironment(null, Env));
        env["SLURM_ARRAY_TASK_ID"] = "5";
        env["SLURM_ARRAY_TASK_MIN"] = "2";
        Assert.Equal(new Shard(3, 4), Shard.FromEnvironment(null, Env));   // --array=2-5
        env.Clear();
        env["JOB_COMPLETION_INDEX"] = "2";
        Assert.Equal(new Shard(2, 3), Shard.FromEnvironment(3, Env));
        Assert.Contains("give the number of shards", Assert.Throws<ArgumentException>(() => Shard.FromEnvironment(null, Env)).Message);
        Assert.Contains("outside 0..1", Assert.Throws<ArgumentException>(() => Shard.FromEnvironment(2, Env)).Message);
        Assert.Contains("I/N", Assert.Throws<ArgumentException>(() => Shard.Parse("2")).Message);

        // Every completion index of a 3-shard job takes its own items; together, each item exactly once.
        var taken = Enumerable.Range(0, 3).SelectMany(i =>
        {
            env["JOB_COMPLETION_INDEX"] = i.ToString();
            var s = Shard.FromEnvironment(3, Env)!;
            return Enumerable.Range(0, 10).Where(s.Takes);
        }).Order();
        Assert.Equal(Enumerable.Range(0, 10), taken);
    }

    [Fact]
    public void TheKubernetesJob_ReadsBackAsAnIndexedJob()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.jsonl"), "{\"id\": \"x\", \"method\": \"drag\", \"image\": \"a.png\", \"drags\": [{\"x1\": 1, \"y1\": 1, \"x2\": 2, \"y2\": 2}]}\n");
        var (code, o, e) = CliRunner.Run("batch", "k8s", "/data/m.jsonl", "--shards", "5", "--image", "ghcr.io/example/motive:0.1", "--out", "/data/out",
            "--job-file", dir.File("job.yaml"), "--parallelism", "2", "--claim", "motive-data", "--gpus-per-pod", "1");
        Assert.True(code == 0, e);
        Assert.Contains("5 completions", o);
        var job = KubernetesYaml.Deserialize<V1Job>(File.ReadAllText(dir.File("job.yaml")));
        Assert.Equal(("batch/v1", "Job", "motive-batch"), (job.ApiVersion, job.Kind, job.Metadata.Name));
        Assert.Equal("Indexed", job.Spec.CompletionMode);
        Assert.Equal((5, 2, 2), (job.Spec.Completions, job.Spec.Parallelism, job.Spec.BackoffLimitPerIndex));
        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        var c = pod.Containers.Single();
        Assert.Equal("ghcr.io/example/motive:0.1", c.Image);
        Assert.Equal(["batch", "run", "/data/m.jsonl", "--out", "/data/out", "--shards", "5", "--device", "cuda"], c.Args);
        Assert.Equal("1", c.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal(("data", "/data/out"), (c.VolumeMounts.Single().Name, c.VolumeMounts.Single().MountPath));
        Assert.Equal("motive-data", pod.Volumes.Single().PersistentVolumeClaim.ClaimName);
    }

    [Fact]
    public void TheSlurmScript_IsAnArrayOfShards()
    {
        using var dir = new TempDir();
        var (path, _) = BatchToy.Write(dir.Path, [4, 8, 12]);
        var (code, o, e) = CliRunner.Run("batch", "slurm", path, "--shards", "3", "--out", dir.File("out"), "--job-file", dir.File("job.sbatch"),
            "--partition", "gpu", "--time", "01:30:00", "--gpus-per-task", "1", "--motive", "motive");
        Assert.True(code == 0, e);
        Assert.Contains("an array of 3 tasks", o);
        var lines = File.ReadAllLines(dir.File("job.sbatch"));
        Assert.Equal("#!/bin/bash", lines[0]);
        foreach (var l in new[] { "#SBATCH --array=0-2", "#SBATCH --partition=gpu", "#SBATCH --time=01:30:00", "#SBATCH --gpus-per-task=1",
                     $"exec motive batch run {path} --out {dir.File("out")} --shards 3 --device cuda" })
            Assert.Contains(l, lines);
        var bad = CliRunner.Run("batch", "slurm", path, "--shards", "3", "--out", dir.File("out"), "--job-file", dir.File("j2"), "--time", "90 minutes");
        Assert.Equal(2, bad.Code);
        Assert.Contains("HH:MM:SS", bad.Err);
    }
}
