using Motive.Scenes;
using static TorchSharp.torch;

namespace Motive.Training.Toy;

/// <summary>Training data drawn on the fly: scenes from seeds the training generator picks (so a seed reproduces a run).</summary>
public static class SceneBatches
{
    /// <summary>A batch of training scene seeds (even: odd ones are held out, see <see cref="HeldOut"/>).</summary>
    public static int[] Seeds(Generator g, int batch)
    {
        using var t = randint(0, int.MaxValue / 2, [batch], dtype: int64, generator: g);
        return t.data<long>().Select(v => 2 * (int)v).ToArray();
    }

    /// <summary>Images [B,3,S,S] in [-1,1] (float32, CPU) of the scenes of <paramref name="seeds"/>.</summary>
    public static Tensor Images(IReadOnlyList<int> seeds, int size)
    {
        var data = new float[seeds.Count * 3 * size * size];
        Parallel.For(0, seeds.Count, i =>
        {
            var image = SceneRenderer.Render(SceneGenerator.Generate(seeds[i], size, size)).Image;
            for (int j = 0; j < image.Length; j++) data[i * image.Length + j] = image[j] * 2 - 1;
        });
        return tensor(data).view(seeds.Count, 3, size, size);
    }

    /// <summary>
    /// Edit pairs of the scenes of <paramref name="seeds"/> (each with its own random edit): source and target images
    /// [B,3,S,S] in 0..255 (RAFT's range) and the exact forward flow [B,2,S,S].
    /// </summary>
    public static (Tensor Source, Tensor Target, Tensor Flow) EditPairs(IReadOnlyList<int> seeds, int size)
    {
        int n = 3 * size * size;
        var source = new float[seeds.Count * n];
        var target = new float[seeds.Count * n];
        var flow = new float[seeds.Count * 2 * size * size];
        Parallel.For(0, seeds.Count, i =>
        {
            var scene = SceneGenerator.Generate(seeds[i], size, size);
            var truth = EditGroundTruth.Of(scene, EditGroundTruth.RandomEdit(scene, seeds[i]));
            for (int j = 0; j < n; j++)
            {
                source[i * n + j] = truth.SourceRender.Image[j] * 255;
                target[i * n + j] = truth.TargetRender.Image[j] * 255;
            }
            truth.Flow.CopyTo(flow, i * truth.Flow.Length);
        });
        return (tensor(source).view(seeds.Count, 3, size, size), tensor(target).view(seeds.Count, 3, size, size), tensor(flow).view(seeds.Count, 2, size, size));
    }
}
