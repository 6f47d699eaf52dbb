using Motive.Models.Runtime;
using Motive.Models.Unet;
using Motive.Sampling.Ddim;
using static TorchSharp.torch;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// The reference's "dummy" inversion (null_inversion.py, DDIMInversion): from the encoded picture, for t ascending
/// (0, r, …), ε = UNet(z, t, source) with no CFG, and z moves from level t to t + r. Unlike Motive's general
/// inversion the noise is predicted at the level the latent is at. Latents[k] is at level k·r: Latents[0] the picture,
/// Latents[N] where editing starts; editing step i reads Latents[N − i] as z*.
/// </summary>
public static class GarInversion
{
    /// <returns>(N+1, 1, 4, h, w) float32 on the latent's device.</returns>
    public static Tensor Run(UNet2DConditionModel unet, GarSchedule schedule, Tensor z0, Tensor source, Action<int, int>? onStep = null,
        CancellationToken cancel = default)
    {
        var dtype = unet.parameters().First().dtype;
        int n = schedule.Steps;
        var states = new Tensor[n + 1];
        states[0] = z0.to(float32).clone();
        using var quiet = QuietGc.Loop();
        using var text = source.to(dtype);
        try
        {
            using var _ = no_grad();
            for (int i = 0; i < n; i++)
            {
                cancel.ThrowIfCancellationRequested();
                QuietGc.Step();
                using var scope = NewDisposeScope();
                long t = schedule.Timesteps[n - 1 - i];
                var z = states[i];
                var eps = unet.Forward(z.to(dtype), tensor(t, device: z.device), text).to(float32);
                states[i + 1] = DdimMath.InvertStep(z, eps, schedule.Alpha(t), schedule.AlphaNext(t)).MoveToOuterDisposeScope();
                onStep?.Invoke(i + 1, n);
            }
            return stack(states, 0);
        }
        finally
        {
            foreach (var s in states) s?.Dispose();
        }
    }
}
