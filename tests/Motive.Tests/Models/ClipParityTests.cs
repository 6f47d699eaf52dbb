using System.Text.Json;
using Motive.Models.Clip;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

public class ClipParityTests
{
    [Fact]
    public void Tokenizer_MatchesTransformers_OnAllTwelvePrompts()
    {
        using var p = new Parity("tokenizer_cases.safetensors");
        var prompts = JsonSerializer.Deserialize<string[]>(p.Metadata["prompts_json"])!;
        var tok = ClipTokenizer.FromFolder(Path.Combine(Fixtures.Parity("tiny-sd"), "tokenizer"));
        using var expected = p["input_ids"];
        Assert.Equal(12, prompts.Length);
        for (int i = 0; i < prompts.Length; i++)
        {
            var want = expected[i].data<long>().ToArray();
            var got = tok.Encode(prompts[i]);
            Assert.True(want.SequenceEqual(got), $"prompt {i} '{prompts[i]}': expected [{string.Join(",", want.Take(20))}], got [{string.Join(",", got.Take(20))}]");
        }
    }
}

public class ClipTextModelParityTests
{
    [Fact]
    public void TextEncoder_MatchesTransformers()
    {
        var dir = Path.Combine(Fixtures.Parity("tiny-sd"), "text_encoder");
        using var model = new ClipTextModel(ClipTextConfig.From(Motive.Models.Blocks.JsonConfig.Load(Path.Combine(dir, "config.json"))));
        using (var sd = Motive.Models.Loading.DiffusersFolder.OpenWeights(dir)) Motive.Models.Blocks.WeightLoading.Load(model, sd, dir);
        model.eval();
        using var p = new Parity("text_encoder_io.safetensors");
        using var _ = torch.no_grad();
        using var outp = model.Forward(p["input_ids"]);
        Parity.Close(p["last_hidden_state"], outp, 1e-4, 1e-3, "last_hidden_state");
    }
}
