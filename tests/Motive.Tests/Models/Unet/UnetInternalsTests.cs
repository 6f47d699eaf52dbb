using Motive.Models.Blocks;
using Motive.Models.Unet;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

[Trait(Tier.Category, Tier.Parity)]
public class UnetInternalsTests
{
    [Fact]
    public void HookedFeaturesAndSelfAttentionProbabilities_MatchDiffusers()
    {
        using var p = new Parity("unet_internals.safetensors");
        using var unet = UnetParityTests.LoadTinyUnet();
        var features = new Dictionary<string, torch.Tensor>();
        var probs = new Dictionary<string, torch.Tensor>();
        var wanted = p.Names.Where(n => n.StartsWith("feat.")).Select(n => n[5..]).ToHashSet();
        var hooks = new NetworkHooks
        {
            ExplicitAttention = true,
            CaptureProbs = site => !site.IsCross,
            OnAttentionProbs = (site, pr) => { probs[site.Path] = pr[0, ..2].detach().clone(); return pr; },
            OnFeature = (path, t) => { if (wanted.Contains(path)) features[path] = t.detach().clone(); return t; },
        };
        using var _ = torch.no_grad();
        using var outp = unet.Forward(p["sample"], torch.tensor(681L), p["encoder_hidden_states"], hooks);
        Parity.Close(p["out"], outp, 1e-4, 1e-3, "out");
        Assert.Equal(wanted.Count, features.Count);
        foreach (var f in wanted) Parity.Close(p["feat." + f], features[f], 1e-4, 1e-3, "feature " + f);
        var expectedProbs = p.Names.Where(n => n.StartsWith("attn_probs.")).ToList();
        Assert.Equal(16, expectedProbs.Count);
        Assert.Equal(expectedProbs.Count, probs.Count);
        foreach (var n in expectedProbs) Parity.Close(p[n], probs[n["attn_probs.".Length..]], 1e-5, 1e-3, n);
    }

    [Fact]
    public void FusedAndExplicitAttention_Agree()
    {
        using var p = new Parity("unet_internals.safetensors");
        using var unet = UnetParityTests.LoadTinyUnet();
        using var _ = torch.no_grad();
        using var fused = unet.Forward(p["sample"], torch.tensor(681L), p["encoder_hidden_states"]);
        using var explicitOut = unet.Forward(p["sample"], torch.tensor(681L), p["encoder_hidden_states"], new NetworkHooks { ExplicitAttention = true });
        Parity.Close(explicitOut, fused, 1e-5, 1e-4, "fused vs explicit");
    }

    [Fact]
    public void DiffusersLora_MatchesReference_AndScaleZeroTurnsItOff()
    {
        using var p = new Parity("unet_lora_io.safetensors");
        using var unet = UnetParityTests.LoadTinyUnet();
        using var _ = torch.no_grad();
        var (x, t, ctx) = (p["sample"], p["timestep"], p["encoder_hidden_states"]);
        using (var plain = unet.Forward(x, t, ctx)) Parity.Close(p["out_without_lora"], plain, 1e-4, 1e-3, "without LoRA");
        UnetLora.Load(unet, Path.Combine(Fixtures.Parity("tiny-sd-lora"), "pytorch_lora_weights.safetensors"));
        Assert.Equal(16 * 2, unet.Attentions.Count(a => a.Lora is not null));
        using (var with = unet.Forward(x, t, ctx)) Parity.Close(p["out_with_lora"], with, 1e-4, 1e-3, "with LoRA");
        foreach (var a in unet.Attentions) a.Lora!.Scale = 0;
        using (var off = unet.Forward(x, t, ctx)) Parity.Close(p["out_without_lora"], off, 1e-4, 1e-3, "LoRA at scale 0");
    }

    [Fact]
    public void NewLora_StartsAsNoChange_AndSavesInTheDiffusersFormat()
    {
        using var dir = new TempDir();
        using var p = new Parity("unet_lora_io.safetensors");
        using var unet = UnetParityTests.LoadTinyUnet();
        var trainable = UnetLora.Create(unet, rank: 2);
        Assert.Equal(32 * 4 * 2, trainable.Count);
        using var _ = torch.no_grad();
        using (var o = unet.Forward(p["sample"], p["timestep"], p["encoder_hidden_states"]))
            Parity.Close(p["out_without_lora"], o, 1e-4, 1e-3, "fresh LoRA");
        foreach (var w in trainable) w.add_(0.01); // pretend training moved them
        using var trained = unet.Forward(p["sample"], p["timestep"], p["encoder_hidden_states"]);
        var file = dir.File("lora.safetensors");
        UnetLora.Save(unet, file);
        UnetLora.Clear(unet);
        UnetLora.Load(unet, file);
        using var reloaded = unet.Forward(p["sample"], p["timestep"], p["encoder_hidden_states"]);
        Parity.Close(trained, reloaded, 1e-6, 1e-5, "saved and reloaded LoRA");
    }
}
