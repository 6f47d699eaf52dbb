using Motive.IO;
using Motive.IO.Images;
using Motive.IO.Tensors;
using static TorchSharp.torch;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// A Motion Guidance example folder, read unchanged (doc §5): <c>pred.png</c> (the source), <c>start_zt.pth</c>
/// (z_T, (1,4,h,w)), <c>latents/zt.00000.pth …</c> (the trajectory, index i ↔ step i, noisiest first) and
/// <c>flows/</c> (target flows and <c>*.mask.pth</c> edit masks, named relative to it).
/// </summary>
public static class ExampleFolder
{
    /// <summary>
    /// The source image, z_T (unless <paramref name="freshStart"/>: then null) and, with
    /// <paramref name="useCachedLatents"/>, the first <paramref name="steps"/> cached latents.
    /// </summary>
    public static (Tensor Image, Tensor? StartLatent, Tensor? Trajectory) Read(string dir, int steps, bool useCachedLatents, bool freshStart)
    {
        if (!Directory.Exists(dir)) throw new MotiveFormatException(dir, "no such folder");
        var pred = Path.Combine(dir, "pred.png");
        if (!File.Exists(pred)) throw new MotiveFormatException(dir, "has no pred.png (the source image of a Motion Guidance example)");
        using var image01 = ImageTensors.ToTensor01(ImageReader.Read(pred));
        long h = image01.shape[2] / 8, w = image01.shape[3] / 8;
        Tensor? start = null, trajectory = null;
        try
        {
            if (!freshStart)
            {
                var path = Path.Combine(dir, "start_zt.pth");
                if (!File.Exists(path)) throw new MotiveFormatException(dir, "has no start_zt.pth (use --no-init-start-zt to start from fresh noise)");
                start = TensorFile.ReadFloat(path, [1, 4, h, w], "z_T");
            }
            if (useCachedLatents) trajectory = ReadTrajectory(Path.Combine(dir, "latents"), steps, h, w);
            return (image01 * 2 - 1, start, trajectory);
        }
        catch
        {
            start?.Dispose();
            throw;
        }
    }

    /// <summary>A file named relative to the folder's flows/ (or any existing path as given).</summary>
    public static string InFlows(string dir, string name) => File.Exists(name) ? name : Path.Combine(dir, "flows", name);

    private static Tensor ReadTrajectory(string latents, int steps, long h, long w)
    {
        if (!Directory.Exists(latents)) throw new MotiveFormatException(latents, "no such folder (the cached latents; use --use-cached-latents false to re-noise the source instead)");
        var states = new List<Tensor>();
        try
        {
            for (int i = 0; i < steps; i++)
            {
                var path = Path.Combine(latents, $"zt.{i:00000}.pth");
                if (!File.Exists(path)) throw new MotiveFormatException(path, $"missing: a {steps}-step run needs zt.00000.pth … zt.{steps - 1:00000}.pth");
                states.Add(TensorFile.ReadFloat(path, [1, 4, h, w], "cached latent"));
            }
            return stack(states, 0);
        }
        finally
        {
            foreach (var s in states) s.Dispose();
        }
    }
}
