using Motive.Models.Blocks;
using Motive.Models.Loading;
using Motive.Models.Vae;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

[Trait(Tier.Category, Tier.Parity)]
public class VaeParityTests
{
    [Fact]
    public void Vae_EncodeAndDecode_MatchDiffusers()
    {
        var dir = Path.Combine(Fixtures.Parity("tiny-sd"), "vae");
        using var vae = new AutoencoderKL(VaeConfig.From(JsonConfig.Load(Path.Combine(dir, "config.json"))));
        using (var sd = DiffusersFolder.OpenWeights(dir)) WeightLoading.Load(vae, sd, dir);
        vae.eval();
        using var p = new Parity("vae_io.safetensors");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (mean, logvar) = vae.Encode(p["image"]);
        Parity.Close(p["mean"], mean, 1e-4, 1e-3, "mean");
        Parity.Close(p["logvar"], logvar, 1e-4, 1e-3, "logvar");
        Parity.Close(p["decoded"], vae.Decode(p["mean"]), 1e-4, 1e-3, "decoded");
    }
}
