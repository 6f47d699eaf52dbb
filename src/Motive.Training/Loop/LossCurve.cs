namespace Motive.Training.Loop;

/// <summary>The loss curve of a training run as a PNG (ScottPlot): raw losses and a moving average, log scale.</summary>
public static class LossCurve
{
    public static void Write(string path, IReadOnlyList<double> losses, string title)
    {
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(1, losses.Count).Select(i => (double)i).ToArray();
        var raw = plot.Add.Scatter(xs, losses.Select(Log).ToArray());
        raw.MarkerSize = 0;
        raw.LegendText = "loss";
        int window = Math.Max(1, losses.Count / 50);
        var smooth = plot.Add.Scatter(xs, Enumerable.Range(0, losses.Count).Select(i => Log(losses.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average())).ToArray());
        smooth.MarkerSize = 0;
        smooth.LineWidth = 2;
        smooth.LegendText = $"mean of {window}";
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("log10 loss");
        plot.ShowLegend();
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 800, 450);
        File.Move(temp, path, overwrite: true);
    }

    private static double Log(double v) => Math.Log10(Math.Max(v, 1e-12));
}
