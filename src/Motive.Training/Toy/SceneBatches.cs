using Motive.Scenes;
using static TorchSharp.torch;

namespace Motive.Training.Toy;

/// <summary>Training data drawn on the fly: scenes from seeds the training generator picks (so a seed reproduces a run).</summary>
public static class SceneBatches
{
    /// <summary>A batch of scene seeds.</summary>
    public static int[] Seeds(Generator g, int batch)
    {
        using var t = randint(0, int.MaxValue, [batch], dtype: int64, generator: g);
        return t.data<long>().Select(v => (int)v).ToArray();
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
}
