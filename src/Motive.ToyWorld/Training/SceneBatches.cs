using Motive.ToyWorld.Scenes;
using static TorchSharp.torch;

namespace Motive.ToyWorld.Training;

/// <summary>Training data drawn on the fly: scenes from seeds the training generator picks (so a seed reproduces a run).</summary>
public static class SceneBatches
{
    /// <summary>The largest camera pan of <see cref="EditPairs"/>, px per axis.</summary>
    public const int MaxShift = 8;

    /// <summary>A batch of training scene seeds (even: odd ones are held out, see <see cref="HeldOut"/>).</summary>
    public static int[] Seeds(Generator g, int batch)
    {
        using var t = randint(0, int.MaxValue / 2, [batch], dtype: int64, generator: g);
        return t.data<long>().Select(v => 2 * (int)v).ToArray();
    }

    /// <summary>Images [B,3,S,S] in [-1,1] (float32, CPU) of the scenes of <paramref name="seeds"/>.</summary>
    public static Tensor Images(IReadOnlyList<int> seeds, int size) => Images(Generate(seeds, size));

    /// <summary>The scenes of <paramref name="seeds"/> (S×S).</summary>
    public static List<Scene> Generate(IReadOnlyList<int> seeds, int size)
    {
        var scenes = new Scene[seeds.Count];
        Parallel.For(0, seeds.Count, i => scenes[i] = SceneGenerator.Generate(seeds[i], size, size));
        return [.. scenes];
    }

    /// <summary>Images [B,3,H,W] in [-1,1] (float32, CPU) of <paramref name="scenes"/> (all of one size).</summary>
    public static Tensor Images(IReadOnlyList<Scene> scenes)
    {
        var (images, objects) = ImagesAndObjects(scenes);
        objects.Dispose();
        return images;
    }

    /// <summary>The images of <paramref name="scenes"/> as <see cref="Images(IReadOnlyList{Scene})"/>, and where objects are seen: [B,1,H,W], 1 or 0.</summary>
    public static (Tensor Images, Tensor Objects) ImagesAndObjects(IReadOnlyList<Scene> scenes)
    {
        int w = scenes[0].Width, h = scenes[0].Height;
        var data = new float[scenes.Count * 3 * w * h];
        var objects = new float[scenes.Count * w * h];
        Parallel.For(0, scenes.Count, i =>
        {
            var render = SceneRenderer.Render(scenes[i]);
            for (int j = 0; j < render.Image.Length; j++) data[i * render.Image.Length + j] = render.Image[j] * 2 - 1;
            for (int j = 0; j < render.Labels.Length; j++) objects[i * render.Labels.Length + j] = render.Labels[j] >= 0 ? 1 : 0;
        });
        return (tensor(data).view(scenes.Count, 3, h, w), tensor(objects).view(scenes.Count, 1, h, w));
    }

    /// <summary>
    /// Where each caption object is seen, in caption order (front to back: <see cref="Captions.Of"/> names the scene's
    /// last object first): [B, slots, H, W], 1 or 0; a slot past a scene's objects stays 0.
    /// </summary>
    public static Tensor CaptionObjects(IReadOnlyList<Scene> scenes, int slots)
    {
        int w = scenes[0].Width, h = scenes[0].Height, n = w * h;
        var masks = new float[scenes.Count * slots * n];
        Parallel.For(0, scenes.Count, i =>
        {
            var labels = SceneRenderer.Render(scenes[i]).Labels;
            int count = scenes[i].Objects.Count;
            for (int j = 0; j < Math.Min(slots, count); j++)
                for (int p = 0; p < n; p++)
                    if (labels[p] == count - 1 - j) masks[(i * slots + j) * n + p] = 1;
        });
        return tensor(masks).view(scenes.Count, slots, h, w);
    }

    /// <summary>
    /// Edit pairs of the scenes of <paramref name="seeds"/> (each with its own random edit): source and target images
    /// [B,3,S,S] in 0..255 (RAFT's range), the exact forward flow [B,2,S,S] and the kind of each pair's edit (for scores
    /// per kind). With <paramref name="shift"/>, half the pairs also see the whole scene move (a camera pan of up to
    /// <see cref="MaxShift"/> px a side, integer, so the flow stays exact): with only an object moving, 98 % of the pixels
    /// have flow 0 and RAFT learns to answer 0 everywhere (measured: after 1,200 steps its error where the object moves
    /// equalled the zero-flow answer's, 10.16 px). <paramref name="turnShare"/> of the pairs (on average) are made turns, on
    /// top of those the world draws itself (2/9 of its edits: a third are turns and circles' turns become moves), since
    /// turns are what RAFT gets most wrong.
    /// </summary>
    public static (Tensor Source, Tensor Target, Tensor Flow, EditKind[] Kinds) EditPairs(IReadOnlyList<int> seeds, int size, bool shift = false, double turnShare = 0)
    {
        int n = 3 * size * size, m = shift ? MaxShift : 0, big = size + 2 * m;
        var source = new float[seeds.Count * n];
        var target = new float[seeds.Count * n];
        var flow = new float[seeds.Count * 2 * size * size];
        var kinds = new EditKind[seeds.Count];
        Parallel.For(0, seeds.Count, i =>
        {
            var scene = SceneGenerator.Generate(seeds[i], big, big);
            bool turn = turnShare > 0 && new Random(seeds[i] ^ 0x7A2E).NextDouble() < turnShare;
            var edit = EditGroundTruth.RandomEdit(scene, seeds[i], kind: turn ? EditKind.Rotate : null);
            kinds[i] = edit.Kind;
            var truth = EditGroundTruth.Of(scene, edit);
            var rng = new Random(seeds[i] ^ 0x5EED);
            bool pan = shift && rng.Next(2) == 0;
            int sx = pan ? rng.Next(2 * m + 1) : m, sy = pan ? rng.Next(2 * m + 1) : m, tx = pan ? rng.Next(2 * m + 1) : m, ty = pan ? rng.Next(2 * m + 1) : m;
            int bn = big * big, pixels = size * size;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int p = y * size + x, fromSource = (y + sy) * big + x + sx, fromTarget = (y + ty) * big + x + tx;
                    for (int ch = 0; ch < 3; ch++)
                    {
                        source[i * n + ch * pixels + p] = truth.SourceRender.Image[ch * bn + fromSource] * 255;
                        target[i * n + ch * pixels + p] = truth.TargetRender.Image[ch * bn + fromTarget] * 255;
                    }
                    flow[i * 2 * pixels + p] = truth.Flow[fromSource] + sx - tx;
                    flow[i * 2 * pixels + pixels + p] = truth.Flow[bn + fromSource] + sy - ty;
                }
        });
        return (tensor(source).view(seeds.Count, 3, size, size), tensor(target).view(seeds.Count, 3, size, size), tensor(flow).view(seeds.Count, 2, size, size), kinds);
    }
}
