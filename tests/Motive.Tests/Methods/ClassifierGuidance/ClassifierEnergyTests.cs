using Motive.IO.Images;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.Editing;
using Motive.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.Tests.Methods;

/// <summary>The classifier energy and the pieces around it: its value, its gradient, the classifier file, the contact sheet, the plan's refusals.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ClassifierEnergyTests
{
    private static PictureClassifier Random(long seed)
    {
        manual_seed(seed);
        return new PictureClassifier("colour", ["red", "yellow", "green", "blue"]);
    }

    [Fact]
    public void NegativeLogProbability_IsMinusTheLogOfTheSoftmax()
    {
        using var logits = tensor(new float[] { 1, 2, 3, 0, 0, 0 }, [2, 3]);
        double p0 = Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        using var value = ClassifierEnergy.NegativeLogProbability(logits, 2);
        Assert.Equal((-Math.Log(p0) - Math.Log(1.0 / 3)) / 2, value.item<float>(), 5);
    }

    [Fact]
    public void Gradient_MatchesFiniteDifferences()
    {
        using var classifier = Random(3);
        classifier.to(float64);
        var energy = new ClassifierEnergy(classifier, 0);
        var gen = new Generator(7);
        using var picture = (rand([1, 3, 32, 32], dtype: float64, generator: gen) * 2 - 1).requires_grad_(true);
        using var value = energy.Evaluate(picture).Value;
        using var grad = autograd.grad([value], [picture])[0];
        using var direction = randn([1, 3, 32, 32], dtype: float64, generator: gen);
        double h = 1e-5, analytic = (grad * direction).sum().item<double>();
        using (no_grad())
        {
            double plus = energy.Evaluate(picture.detach() + direction * h).Value.item<double>();
            double minus = energy.Evaluate(picture.detach() - direction * h).Value.item<double>();
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(analytic) > 1e-6, "the gradient is zero: nothing to compare");
            Assert.Equal(numeric, analytic, Math.Abs(numeric) * 1e-5);
        }
    }

    [Fact]
    public void ThroughTheSampler_TheGradientIsTakenWithRespectToX0Alone()
    {
        using var classifier = Random(6);
        classifier.to(float64);
        var energy = new ClassifierEnergy(classifier, 1);
        using var z = randn([1, 3, 16, 16], dtype: float64, generator: new Generator(2)).requires_grad_(true);
        using var x0 = z * 3 + z.square();   // x̂₀(z): what the denoiser makes of z, its Jacobian not the identity
        using var decoded = x0.tanh();
        using var value = energy.Evaluate(new Motive.Guidance.Sampler.EnergyInputs(z, x0, decoded, 500, 0)).Value;
        using var viaSampler = autograd.grad([value], [z])[0];
        using var x0Leaf = x0.detach().requires_grad_(true);
        using var plain = energy.Evaluate(x0Leaf.tanh()).Value;
        using var wantedGrad = autograd.grad([plain], [x0Leaf])[0];
        Assert.Equal(plain.item<double>(), value.item<double>(), 12);
        Assert.True(viaSampler.allclose(wantedGrad, 1e-9, 1e-12), "∇_z is not ∂E/∂x̂₀");
    }

    [Fact]
    public void Energy_FallsAlongItsNegativeGradient()
    {
        using var classifier = Random(4);
        var energy = new ClassifierEnergy(classifier, 2);
        using var picture = (rand([1, 3, 32, 32], generator: new Generator(1)) * 2 - 1).requires_grad_(true);
        using var value = energy.Evaluate(picture).Value;
        using var grad = autograd.grad([value], [picture])[0];
        using (no_grad())
        {
            using var stepped = picture.detach() - grad / grad.norm() * 0.5;
            Assert.True(energy.Evaluate(stepped).Value.item<float>() < value.item<float>());
        }
    }

    [Fact]
    public void Classifier_SavesAndLoads_WithItsClasses()
    {
        using var dir = new TempDir();
        using var classifier = Random(5);
        var path = dir.File("c.safetensors");
        classifier.Save(path);
        using var loaded = PictureClassifier.Load(path);
        Assert.Equal(["red", "yellow", "green", "blue"], loaded.Classes);
        Assert.Equal("colour", loaded.Attribute);
        using var x = rand([2, 3, 64, 64]) * 2 - 1;
        using (no_grad())
        {
            classifier.eval();
            Assert.True(classifier.forward(x).allclose(loaded.forward(x), 1e-5, 1e-6));
        }
        Assert.Equal(3, loaded.ClassIndex("blue"));
        var e = Assert.Throws<ArgumentException>(() => loaded.ClassIndex("purple"));
        Assert.Equal("the classifier knows no colour 'purple' (known: red, yellow, green, blue)", e.Message);
    }

    [Fact]
    public void AFileThatIsNoClassifier_IsRefusedByName()
    {
        using var dir = new TempDir();
        var path = dir.File("other.safetensors");
        Motive.IO.Safetensors.SafetensorsWriter.Write(path, [KeyValuePair.Create("w", zeros(2))]);
        var e = Assert.Throws<Motive.IO.MotiveFormatException>(() => PictureClassifier.Load(path));
        Assert.Contains("other.safetensors", e.Message);
        Assert.Contains("not a Motive picture classifier", e.Message);
    }

    [Fact]
    public void ContactSheet_LaysPicturesOutInRows()
    {
        var pictures = Enumerable.Range(0, 5).Select(k => new RgbImage(4, 3, Enumerable.Repeat((byte)(10 * k), 36).ToArray())).ToList();
        var sheet = ContactSheet.Of(pictures, columns: 2, gap: 1);
        Assert.Equal((2 * 4 + 1, 3 * 3 + 2), (sheet.Width, sheet.Height));
        byte At(int x, int y) => sheet.Pixels[(y * sheet.Width + x) * 3];
        Assert.Equal(0, At(0, 0));
        Assert.Equal(10, At(5, 0));
        Assert.Equal(255, At(4, 0));   // the gap
        Assert.Equal(30, At(5, 4));
        Assert.Equal(40, At(0, 8));
        Assert.Equal(255, At(5, 8));   // no fifth picture's neighbour
    }

    [Theory]
    [InlineData("""{"method": "classifier-guidance", "target": "purple"}""", "the classifier knows no colour 'purple' (known: red, yellow, green, blue)")]
    [InlineData("""{"method": "classifier-guidance", "target": "red", "settings": {"samples": 0}}""", "samples must be between 1 and 64, got 0")]
    [InlineData("""{"method": "classifier-guidance", "target": "red", "settings": {"scale": -1}}""", "scale must be a finite number ≥ 0, got -1")]
    [InlineData("""{"method": "classifier-guidance", "target": ""}""", "target: say which class to steer towards")]
    public void BadRequests_AreRefusedBeforeAnyModelLoads(string json, string message)
    {
        var request = EditJson.Parse(json, "the request");
        var e = Assert.ThrowsAny<ArgumentException>(() => EditMethods.For(request).Plan(request, new FileInputs()).Dispose());
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void AMissingClassifierFile_IsNamed()
    {
        var request = EditJson.Parse("""{"method": "classifier-guidance", "target": "red", "classifier": "no-such.safetensors"}""", "the request");
        var e = Assert.Throws<Motive.IO.MotiveFormatException>(() => EditMethods.For(request).Plan(request, new FileInputs()).Dispose());
        Assert.Contains("no-such.safetensors", e.Message);
    }

    [Fact]
    public void Memory_GrowsWithThePictureAndTheBranches()
    {
        var s = new ClassifierGuidanceSettings(50, 1, 1, 3, 0, 4);
        double small = ClassifierGuidanceMemory.EstimateMiB(1_000_000_000, 320, 2, 256, s);
        double large = ClassifierGuidanceMemory.EstimateMiB(1_000_000_000, 320, 2, 512, s);
        double cfg = ClassifierGuidanceMemory.EstimateMiB(1_000_000_000, 320, 2, 512, s with { Cfg = 7.5 });
        Assert.True(small < large && large < cfg);
        // The weights alone: 1e9 × 2 bytes; the graph four times the cells at 512² as at 256².
        double weights = 1e9 * 2 / (1 << 20);
        Assert.Equal(4, (large - weights) / (small - weights), 6);
    }
}
