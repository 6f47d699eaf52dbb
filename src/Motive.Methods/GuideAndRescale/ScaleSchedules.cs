namespace Motive.Methods.GuideAndRescale;

/// <summary>Guide-and-Rescale's per-step scale lists (diffusion_core/guiders/scale_schedulers.py): step i = 0 is the noisiest.</summary>
public static class ScaleSchedules
{
    /// <summary>g for the first <paramref name="n"/> of <paramref name="steps"/> steps, 0 after.</summary>
    public static double[] FirstSteps(double g, int n, int steps = 50) => Enumerable.Range(0, steps).Select(i => i < n ? g : 0).ToArray();

    /// <summary>g for the last <paramref name="n"/> of <paramref name="steps"/> steps, 0 before.</summary>
    public static double[] LastSteps(double g, int n, int steps = 50) => Enumerable.Range(0, steps).Select(i => i >= steps - n ? g : 0).ToArray();
}
