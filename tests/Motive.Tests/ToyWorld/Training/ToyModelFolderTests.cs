using Motive.Models.Loading;
using Motive.Sampling.Pipelines;
using Motive.ToyWorld.Scenes;
using Motive.Tests.Support;
using Motive.ToyWorld.Training;
using TorchSharp;

namespace Motive.Tests.Training;

/// <summary>The embedded model's folder: the standard loader reads it, the toy vocabulary covers the grammar, it fits the budget.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ToyModelFolderTests
{
    [Fact]
    public void Folder_LoadsLikeARealModel_TokenizesCaptionWordsWhole_AndFitsTheBudget()
    {
        using var dir = new TempDir();
        ToyModelFolder.Create(dir.Path, seed: 1);
        using var model = StableDiffusionModel.Load(dir.Path);

        foreach (var word in Captions.Words)
            Assert.True(model.Tokenizer.Tokenize(word).Count == 1, $"'{word}' is not one token");
        var caption = Captions.Of(SceneGenerator.Generate(3));
        Assert.Equal(caption.Split(' ').Length, model.Tokenizer.Tokenize(caption).Count);
        Assert.True(model.Tokenizer.Tokenize("a zebra").Count > 2, "words outside the grammar still tokenize (by bytes)");

        using var cond = new Conditioning(model, caption, "", 7.5);
        using var x = torch.randn(1, 4, 16, 16);
        using var eps = cond.Predict(model, x, 500);
        Assert.Equal([1L, 4, 16, 16], eps.shape);
        using var image = Latents.Decode(model, x);
        Assert.Equal([1L, 3, 128, 128], image.shape);

        long bytes = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 14L << 20, $"the folder is {bytes / 1048576.0:0.0} MiB; with a toy RAFT the budget is 16 MB");
    }

    /// <summary>The toy vocabulary starts as every CLIP vocabulary does: the fixture tokenizer's first 256 entries.</summary>
    [Fact]
    public void ByteAlphabet_IsClipsVocabularyOrder()
    {
        var vocab = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(Fixtures.Parity("tiny-sd"), "tokenizer", "vocab.json")))!;
        Assert.Equal(vocab.OrderBy(kv => kv.Value).Take(256).Select(kv => kv.Key), Motive.Models.Clip.ClipTokenizer.ByteAlphabet);
    }
}
