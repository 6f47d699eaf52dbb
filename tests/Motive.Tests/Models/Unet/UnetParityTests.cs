using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Models.Unet;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

[Trait(Tier.Category, Tier.Parity)]
public class UnetParityTests
{
    internal static UNet2DConditionModel LoadTinyUnet()
    {
        var dir = Path.Combine(Fixtures.Parity("tiny-sd"), "unet");
        var unet = new UNet2DConditionModel(UnetConfig.From(JsonConfig.Load(Path.Combine(dir, "config.json"))));
        using var sd = DiffusersFolder.OpenWeights(dir);
        WeightLoading.Load(unet, sd, dir);
        unet.eval();
        return unet;
    }

    [Fact]
    public void Unet_MatchesDiffusers()
    {
        using var p = new Parity("unet_io.safetensors");
        using var unet = LoadTinyUnet();
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var outp = unet.Forward(p["sample"], p["timesteps"], p["encoder_hidden_states"]);
        Parity.Close(p["out"], outp, 1e-4, 1e-3, "unet out");
    }
}
