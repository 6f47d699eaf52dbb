using Motive.Cli.Commands;
using Motive.IO;
using Motive.IO.Safetensors;
using Motive.Replays;
using Motive.Tests.Support;

namespace Motive.Tests.Replays;

/// <summary>
/// Which LoRA `motive selftest drag` puts on the UNet: the recording's own `lora` metadata (none, or a path beside the
/// recording), for every format, `--lora` only overriding; and a drag_update recording made with a LoRA replays.
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class DragLoraChoiceTests
{
    [Fact]
    public void DragUpdate_SaysNone_AndGetsNone()
    {
        var choice = DragReplay.LoraOf(Fixtures.Parity("drag_update.safetensors"));
        Assert.Null(choice.Path);
        Assert.Equal("metadata 'lora': none", choice.Source);
    }

    [Fact]
    public void DragPipeline_NamesTinySdLora_ResolvedBesideTheRecording()
    {
        var choice = DragReplay.LoraOf(Fixtures.Parity("drag_pipeline.safetensors"));
        Assert.Equal(Path.Combine(Fixtures.Parity("tiny-sd-lora"), "pytorch_lora_weights.safetensors"), choice.Path);
        Assert.Equal("metadata 'lora'", choice.Source);
    }

    [Fact]
    public void DragLoraStep_HasNoLoraKey_AndTrainsItsOwnFromLoraInit()
    {
        var choice = DragReplay.LoraOf(Fixtures.Parity("drag_lora_step.safetensors"));
        Assert.Null(choice.Path);
        Assert.StartsWith("none: a drag_lora_step run trains its own LoRA", choice.Source);
    }

    [Fact]
    public void LoraOption_OverridesTheMetadata_BothWays()
    {
        var lora = Path.Combine(Fixtures.Parity("tiny-sd-lora"), "pytorch_lora_weights.safetensors");
        Assert.Null(DragReplay.LoraOf(Fixtures.Parity("drag_pipeline.safetensors"), LoraChoice.None).Path);
        Assert.Equal(lora, DragReplay.LoraOf(Fixtures.Parity("drag_update.safetensors"), Fixtures.Parity("tiny-sd-lora")).Path);
        Assert.Equal("--lora", DragReplay.LoraOf(Fixtures.Parity("drag_update.safetensors"), lora).Source);
    }

    /// <summary>Only `lora` decides: an `arguments` naming a lora_path changes nothing; a recording without `lora` is one clear error.</summary>
    [Fact]
    public void OnlyTheLoraKeyDecides_AndItsAbsenceIsOneClearLine()
    {
        using var dir = new TempDir();
        using var p = new Parity("drag_update.safetensors");
        var metadata = p.Metadata.ToDictionary();
        metadata["arguments"] = """{"lora_path": "tiny-sd-lora"}""";
        var withArguments = dir.File("arguments.safetensors");
        SafetensorsWriter.Write(withArguments, p.Names.Select(n => KeyValuePair.Create(n, p[n])), metadata);
        Assert.Null(DragReplay.LoraOf(withArguments).Path);

        metadata.Remove("lora");
        var silent = dir.File("silent.safetensors");
        SafetensorsWriter.Write(silent, p.Names.Select(n => KeyValuePair.Create(n, p[n])), metadata);
        Assert.Contains("metadata has no 'lora'", Assert.Throws<MotiveFormatException>(() => DragReplay.LoraOf(silent)).Message);
        var (code, _, e) = CliRunner.Run("selftest", "drag", silent);
        Assert.Equal(1, code);
        Assert.Contains("metadata has no 'lora'", e);
        Assert.Single(e.Trim().Split('\n'));
    }

    /// <summary>
    /// The drag_diffusion_update call inside the recorded run_drag (drag_pipeline: tiny-sd with the LoRA tiny-sd-lora) cut out
    /// into the drag_update format: its input latent, points, grid mask and settings, its per-iteration record and its
    /// result, with the recording's `lora` and `model`. No number is made here; the reference computed them all (the one
    /// drag_update tensor run_drag does not record, unet_eps_init, is left out).
    /// </summary>
    private static string DragUpdateWithLora(TempDir dir)
    {
        using var p = new Parity("drag_pipeline.safetensors");
        var tensors = new List<KeyValuePair<string, TorchSharp.torch.Tensor>>();
        foreach (var name in new[] { "init_code", "t", "text_embeddings", "handle_points", "target_points", "interp_mask" })
            tensors.Add(KeyValuePair.Create(name, p[name]));
        tensors.Add(KeyValuePair.Create("mask", p["mask_sup"]));
        tensors.Add(KeyValuePair.Create("final_latent", p["updated_init_code"]));
        foreach (var name in p.Names.Where(n => n.StartsWith("drag.", StringComparison.Ordinal)))
            tensors.Add(KeyValuePair.Create(name["drag.".Length..], p[name]));
        var metadata = new Dictionary<string, string>
        {
            ["args"] = p.Metadata["args_inside_run_drag"],
            ["lora"] = p.Metadata["lora"],
            ["model"] = p.Metadata["model"],
            ["function"] = "the drag_diffusion_update call inside drag_pipeline.safetensors' run_drag (drag.* there)",
        };
        Directory.CreateSymbolicLink(dir.File("tiny-sd"), Fixtures.Parity("tiny-sd"));
        Directory.CreateSymbolicLink(dir.File("tiny-sd-lora"), Fixtures.Parity("tiny-sd-lora"));
        var file = dir.File("drag_update_lora.safetensors");
        SafetensorsWriter.Write(file, tensors, metadata);
        foreach (var t in tensors) t.Value.Dispose();
        return file;
    }

    [Fact]
    public void DragUpdateMadeWithALora_TakesItsLora_AndReplaysWithinTheReadmeTolerance()
    {
        using var dir = new TempDir();
        var file = DragUpdateWithLora(dir);
        Assert.Equal(Path.Combine(dir.Path, "tiny-sd-lora", "pytorch_lora_weights.safetensors"), DragReplay.LoraOf(file).Path);

        var (code, o, e) = CliRunner.Run("selftest", "drag", file);
        Assert.True(code == 0, e);
        // x_prev_0, the iteration count, loss, mask term, tracking margins, 4 × (handles, gradient, latent, x_prev), final latent.
        Assert.StartsWith("drag_update replay matches: LoRA pytorch_lora_weights.safetensors (metadata 'lora'), 22 checks", o.Trim());

        var (without, _, differs) = CliRunner.Run("selftest", "drag", file, "--lora", "none");
        Assert.True(without == SelftestCommand.Mismatch, $"exit {without}: the run had a LoRA, replaying without it must differ");
        Assert.StartsWith("drag_update replay differs: ", differs);
    }
}
