using Motive.Methods.Editing;
using Motive.Methods.MotionGuidance;
using Motive.Models.Blocks;
using Motive.Models.Flow;
using Motive.Models.Unet;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Methods;

/// <summary>
/// The in-process job runner a server or batch worker uses: one edit at a time, in order, bounded queue, cancel;
/// and the shared models it runs on are left exactly as found after each edit (RAFT's mode, hooks, LoRA slots, weights).
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class EditJobRunnerTests
{
    private static MotionGuidanceRequest Request(long seed, int steps = 2) => new()
    {
        Model = new ModelRef(Fixtures.Parity("tiny-sd")),
        Raft = Fixtures.Parity("raft_large_random_fp16.pth"),
        Prompt = "a red cube",
        Source = new GeneratedSource(128, 128),
        Motion = new TargetMotion(Draw: new MotionSpec([new TranslateStroke(6, 0)], "32,32,48,48")),
        Seed = seed,
        Settings = new MotionGuidanceOptions { Steps = steps, Recursions = 1 },
    };

    [Fact]
    public async Task Jobs_RunOneAtATime_InOrder_AndCancelAQueuedOne()
    {
        using var dir = new TempDir();
        using var models = new EditModels();
        using var runner = new EditJobRunner(models, new FileInputs(), dir.Path, capacity: 4);
        int most = 0;
        var order = new List<string>();
        var jobs = Enumerable.Range(0, 3).Select(i => runner.Submit(Request(i))).ToList();
        foreach (var j in jobs)
            j.OnProgress += (job, _) =>
            {
                lock (order) if (order.Count == 0 || order[^1] != job.Id) order.Add(job.Id);
                most = Math.Max(most, runner.Jobs.Count(x => x.State == EditJobState.Running));
            };
        Assert.True(runner.Cancel(jobs[2].Id));
        await Task.WhenAll(jobs.Select(j => j.Completion)).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(EditJobState.Done, jobs[0].State);
        Assert.Equal(EditJobState.Done, jobs[1].State);
        Assert.Equal(EditJobState.Cancelled, jobs[2].State);
        Assert.Equal([jobs[0].Id, jobs[1].Id], order);
        Assert.Equal(1, most);
        Assert.True(File.Exists(Path.Combine(jobs[0].ResultDir, "result.png")));
        Assert.False(Directory.Exists(jobs[2].ResultDir));
        Assert.False(runner.Cancel(jobs[0].Id), "a finished job cannot be cancelled");
    }

    [Fact]
    public void BadRequest_IsRefusedAtSubmission_AndAFullQueueSaysSo()
    {
        using var dir = new TempDir();
        using var models = new EditModels();
        using var runner = new EditJobRunner(models, new FileInputs(), dir.Path, capacity: 1);
        var bad = Request(0) with { Settings = new MotionGuidanceOptions { Steps = 0 } };
        Assert.Throws<ArgumentException>(() => runner.Submit(bad));
        var first = runner.Submit(Request(1, steps: 30));
        // The first may already be running (then it no longer waits); fill the one place and one more.
        var e = Assert.Throws<EditQueueFullException>(() => { runner.Submit(Request(2)); runner.Submit(Request(3)); });
        Assert.Contains("queue is full", e.Message);
        runner.Cancel(first.Id);
    }

    /// <summary>A long-lived host shares its models between edits: an edit leaves them exactly as it found them.</summary>
    [Fact]
    public async Task SharedModels_AreUnchangedByAnEdit()
    {
        using var dir = new TempDir();
        using var models = new EditModels();
        var request = Request(5);
        var sd = models.Diffusion(request.Model);
        var raft = models.Raft(request.Raft);
        raft.eval();
        var before = Checksums(sd.Unet).Concat(Checksums(sd.Vae)).Concat(Checksums(raft)).ToList();
        using (var runner = new EditJobRunner(models, new FileInputs(), dir.Path))
        {
            var job = runner.Submit(request);
            await job.Completion.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(EditJobState.Done, job.State);
        }
        Assert.False(raft.training, "RAFT is back in the mode it was in (the energy runs it in train mode)");
        Assert.All(sd.Unet.Attentions, a => Assert.Null(a.Lora));
        Assert.Equal(before, Checksums(sd.Unet).Concat(Checksums(sd.Vae)).Concat(Checksums(raft)).ToList());

        // A LoRA attached through its handle is gone once the handle is disposed.
        using (UnetLora.Keep(sd.Unet)) UnetLora.Create(sd.Unet, rank: 2);
        Assert.All(sd.Unet.Attentions, a => Assert.Null(a.Lora));
        using (UnetLora.Attach(sd.Unet, Path.Combine(Fixtures.Parity("tiny-sd-lora"), "pytorch_lora_weights.safetensors")))
            Assert.Contains(sd.Unet.Attentions, a => a.Lora is not null);
        Assert.All(sd.Unet.Attentions, a => Assert.Null(a.Lora));
    }

    private static IEnumerable<double> Checksums(nn.Module m) =>
        m.named_parameters().Select(p => p.parameter.detach().to(float64).sum().item<double>())
            .Concat(m.named_buffers().Where(b => b.buffer.is_floating_point()).Select(b => b.buffer.detach().to(float64).sum().item<double>()));
}
