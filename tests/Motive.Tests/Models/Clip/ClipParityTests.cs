using System.Text.Json;
using Motive.Models.Clip;
using Motive.Tests.Support;
using TorchSharp;

namespace Motive.Tests.Models;

[Trait(Tier.Category, Tier.Parity)]
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

/// <summary>
/// Folders saved by recent transformers versions carry the tokenizer as tokenizer.json only. A copy of the fixture
/// model with vocab.json and merges.txt removed loads, and gives the same ids as the original on every prompt, with the
/// merges as pairs (newer files) and as "a b" strings (older ones).
/// </summary>
[Trait(Tier.Category, Tier.Parity)]
public class TokenizerJsonTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TokenizerJsonOnlyFolder_LoadsAndTokenizesIdentically(bool mergesAsStrings)
    {
        using var dir = new TempDir();
        var model = dir.File("tiny-sd");
        Copy(Fixtures.Parity("tiny-sd"), model);
        var tokDir = Path.Combine(model, "tokenizer");
        File.Delete(Path.Combine(tokDir, "vocab.json"));
        File.Delete(Path.Combine(tokDir, "merges.txt"));
        if (mergesAsStrings)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(tokDir, "tokenizer.json")))!;
            var merges = json["model"]!["merges"]!.AsArray();
            var strings = new System.Text.Json.Nodes.JsonArray(merges.Select(m => (System.Text.Json.Nodes.JsonNode?)(m is System.Text.Json.Nodes.JsonArray a ? $"{a[0]} {a[1]}" : m!.GetValue<string>())).ToArray());
            json["model"]!["merges"] = strings;
            File.WriteAllText(Path.Combine(tokDir, "tokenizer.json"), json.ToJsonString());
        }
        var original = ClipTokenizer.FromFolder(Path.Combine(Fixtures.Parity("tiny-sd"), "tokenizer"));
        using var sd = Motive.Models.Loading.StableDiffusionModel.Load(model);
        using var p = new Parity("tokenizer_cases.safetensors");
        var prompts = JsonSerializer.Deserialize<string[]>(p.Metadata["prompts_json"])!;
        foreach (var prompt in prompts.Append("a photo of a red cube on a table, 4k"))
            Assert.Equal(original.Encode(prompt), sd.Tokenizer.Encode(prompt));
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) Copy(d, Path.Combine(to, Path.GetFileName(d)));
    }
}

[Trait(Tier.Category, Tier.Parity)]
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
