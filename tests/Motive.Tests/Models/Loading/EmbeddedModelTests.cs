using Motive.Models.Loading;
using Motive.Tests.Support;

namespace Motive.Tests.Models;

/// <summary>Where the embedded model is found, and the error when it is nowhere.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class EmbeddedModelTests
{
    [Fact]
    public void IsInTheProgramsFolder()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", "toy"), EmbeddedModel.Dir);
        Assert.True(File.Exists(EmbeddedModel.RaftPath), EmbeddedModel.RaftPath);
    }

    [Fact]
    public void TheFirstFolderWithAModelIndexWins_AndNoneIsAnErrorNamingEachFolder()
    {
        using var dir = new TempDir();
        string empty = Path.Combine(dir.Path, "empty"), model = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "model_index.json"), "{}");
        Assert.Equal(model, EmbeddedModel.Find([empty, model, EmbeddedModel.Dir]));

        var missing = Path.Combine(dir.Path, "missing");
        var e = Assert.Throws<DirectoryNotFoundException>(() => EmbeddedModel.Find([empty, missing]));
        Assert.Contains(empty, e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Contains("Motive.Models package", e.Message);
    }
}
