using Motive.Methods.ClassifierGuidance;
using Motive.Models.Optim;
using Motive.ToyWorld.Scenes;
using TorchSharp;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Classifier;

/// <summary>What a classifier training run did: its losses per step and its accuracy on held-out scenes.</summary>
public sealed record ClassifierTrainingResult(IReadOnlyList<double> Losses, double HeldOutAccuracy, int HeldOutScenes);

/// <summary>
/// Trains a <see cref="PictureClassifier"/> on clean rendered toy scenes (a pool of training scenes, even seeds, drawn
/// once, batches taken at random and mirrored), with cross-entropy and AdamW at a constant learning rate, then measures its
/// accuracy on held-out scenes (odd seeds) and writes it. Small enough for minutes on two CPU cores.
/// </summary>
public static class ClassifierTraining
{
    public static ClassifierTrainingResult Train(string outPath, ToyAttribute attribute, int steps, int batch, double lr, int size, long seed,
        int heldOut = 400, int pool = 1024, Action<int, int, double>? onStep = null, CancellationToken cancel = default,
        ClassifierAugmentation? augmentation = null)
    {
        augmentation ??= ClassifierAugmentation.None;
        if (steps < 1 || batch < 1) throw new ArgumentException("steps and batch must be at least 1");
        if (size < 32 || size % 8 != 0) throw new ArgumentException($"the scene size must be a multiple of 8, at least 32 (got {size})");
        var dir = Path.GetDirectoryName(Path.GetFullPath(outPath))!;
        Directory.CreateDirectory(dir);
        manual_seed(seed);
        using var classifier = new PictureClassifier(attribute.Name, attribute.Classes);
        classifier.train();
        using var optimizer = new AdamW(classifier.named_parameters().Select(p => (p.name, p.parameter)), lr, 0.01);
        // The scenes are drawn once (a pool of even seeds; odd ones are the held-out scenes every toy measure uses)
        // and each step takes a random batch of them, mirrored at random: drawing is most of the cost otherwise.
        var poolSeeds = Enumerable.Range(0, pool).Select(i => (int)(2 * ((seed * 1_000_003 + i) % 500_000_000))).ToArray();
        var (images8, poolLabels, poolColours) = Pool(poolSeeds, size, attribute);
        using var _ = images8;
        using var __ = poolColours;
        using var generator = new Generator((ulong)seed);
        var losses = new List<double>();
        using var quiet = Motive.Models.Runtime.QuietGc.Loop();
        try
        {
            for (int step = 0; step < steps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                Motive.Models.Runtime.QuietGc.Step();
                using var scope = NewDisposeScope();
                var pick = randint(pool, [batch], generator: generator);
                var images = images8.index_select(0, pick).to(float32) / 127.5 - 1;
                var flip = rand([batch, 1, 1, 1], generator: generator).lt(0.5);
                images = where(flip, images.flip(3), images);
                var labels = poolLabels.index_select(0, pick);
                if (augmentation.Any)
                    (images, labels) = augmentation.Apply(images, labels, attribute == ToyAttribute.Colour ? poolColours.index_select(0, pick) : null, generator);
                optimizer.ZeroGrad();
                var loss = nn.functional.cross_entropy(classifier.forward(images), labels);
                loss.backward();
                optimizer.Step();
                losses.Add(loss.item<float>());
                onStep?.Invoke(step + 1, steps, losses[^1]);
            }
        }
        finally
        {
            poolLabels.Dispose();
        }
        classifier.eval();
        double accuracy = Accuracy(classifier, attribute, heldOut, size);
        classifier.Save(outPath);
        return new ClassifierTrainingResult(losses, accuracy, heldOut);
    }

    /// <summary>The share of the first <paramref name="count"/> held-out scenes whose label the classifier names.</summary>
    public static double Accuracy(PictureClassifier classifier, ToyAttribute attribute, int count, int size)
    {
        int right = 0;
        for (int start = 0; start < count; start += 64)
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var seeds = Enumerable.Range(start, Math.Min(64, count - start)).Select(HeldOut.SceneSeed).ToArray();
            var (images, labels) = Batch(seeds, size, attribute);
            right += (int)classifier.forward(images).argmax(1).eq(labels).sum().item<long>();
        }
        return right / (double)count;
    }

    /// <summary>The scenes of <paramref name="seeds"/> as bytes (B,3,S,S), 0–255, drawn 256 at a time, their labels and their pixels of each palette colour (B,colours).</summary>
    private static (Tensor Images, Tensor Labels, Tensor ColourPixels) Pool(IReadOnlyList<int> seeds, int size, ToyAttribute attribute)
    {
        var images = new List<Tensor>();
        var labels = new List<Tensor>();
        var colours = new List<Tensor>();
        for (int start = 0; start < seeds.Count; start += 256)
        {
            var (x, y, c) = Draw(seeds.Skip(start).Take(256).ToList(), size, attribute);
            using (x) images.Add(((x + 1) * 127.5).round().to(uint8));
            labels.Add(y);
            colours.Add(c);
        }
        var all = (cat(images, 0), cat(labels, 0), cat(colours, 0));
        foreach (var t in images.Concat(labels).Concat(colours)) t.Dispose();
        return all;
    }

    /// <summary>Scenes of <paramref name="seeds"/> rendered as (B,3,S,S) in [-1,1], and their labels (B).</summary>
    public static (Tensor Images, Tensor Labels) Batch(IReadOnlyList<int> seeds, int size, ToyAttribute attribute)
    {
        var (images, labels, colours) = Draw(seeds, size, attribute);
        colours.Dispose();
        return (images, labels);
    }

    private static (Tensor Images, Tensor Labels, Tensor ColourPixels) Draw(IReadOnlyList<int> seeds, int size, ToyAttribute attribute)
    {
        int n = size * size * 3, k = Scenes.Palette.ObjectNames.Count;
        var pixels = new float[seeds.Count * n];
        var labels = new long[seeds.Count];
        var colours = new long[seeds.Count * k];
        Parallel.For(0, seeds.Count, i =>
        {
            var scene = SceneGenerator.Generate(seeds[i], size, size);
            var render = SceneRenderer.Render(scene);
            for (int j = 0; j < n; j++) pixels[i * n + j] = render.Image[j] * 2 - 1;
            labels[i] = attribute.Label(scene, render);
            ToyAttribute.ColourPixels(scene, render).CopyTo(colours, i * k);
        });
        return (tensor(pixels, [seeds.Count, 3, size, size]), tensor(labels), tensor(colours, [seeds.Count, k]));
    }
}
