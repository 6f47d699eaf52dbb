using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Sampling;

public class PipelineParityTests
{
    public static TheoryData<string> Sources => new() { "tiny-sd", "tiny-sd-single.safetensors", "tiny-sd-single.ckpt" };

    internal static StableDiffusionModel Load(string source) =>
        StableDiffusionModel.Load(Fixtures.Parity(source), new LoadOptions(ConfigDir: Fixtures.Parity("tiny-sd")));

    [Theory, MemberData(nameof(Sources))]
    public void Txt2Img_BothGuidanceScales_MatchDiffusers_FromEveryLayout(string source)
    {
        using var p = new Parity("pipeline_txt2img.safetensors");
        using var model = Load(source);
        foreach (var gs in new[] { 1.0, 7.5 })
        {
            using var latents = p["latents"];
            using var result = Txt2Img.Run(model, new Txt2ImgRequest(p.Metadata["prompt"], "", 256, 256, int.Parse(p.Metadata["steps"]), gs, 0, 0, latents));
            Parity.Close(p[$"image_gs{gs:0.0}"], result.Image, 1e-4, 1e-3, $"{source} image at guidance {gs}");
        }
    }
}
