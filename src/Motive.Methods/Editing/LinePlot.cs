namespace Motive.Methods.Editing;

/// <summary>Per-iteration curves as a PNG (ScottPlot), e.g. DragDiffusion's loss per drag iteration.</summary>
public static class LinePlot
{
    /// <summary>The PNG bytes of <paramref name="values"/> against 1, 2, … with the given labels.</summary>
    public static byte[] Png(IReadOnlyList<double> values, string title, string xLabel, string yLabel) =>
        Png([(yLabel, values)], title, xLabel, yLabel, legend: false);

    /// <summary>Several named curves on one plot, against 1, 2, …; <paramref name="logY"/> for curves of different sizes.</summary>
    public static byte[] Png(IReadOnlyList<(string Label, IReadOnlyList<double> Values)> series, string title, string xLabel, string yLabel,
        bool legend = true, bool logY = false)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (label, values) in series)
        {
            var xs = Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray();
            // A log axis plots log10 of the values; zeros (an energy off at that step) are left out rather than drawn at −∞.
            var points = xs.Zip(values).Where(p => !logY || p.Second > 0).ToArray();
            var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray());
            line.MarkerSize = values.Count > 40 ? 0 : 4;
            line.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log10 {yLabel}" : yLabel);
        if (legend) plot.ShowLegend();
        return plot.GetImageBytes(640, 360, ScottPlot.ImageFormat.Png);
    }
}
