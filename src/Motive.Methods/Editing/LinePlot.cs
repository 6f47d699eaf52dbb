namespace Motive.Methods.Editing;

/// <summary>A per-iteration curve as a PNG (ScottPlot), e.g. DragDiffusion's loss per drag iteration.</summary>
public static class LinePlot
{
    /// <summary>The PNG bytes of <paramref name="values"/> against 1, 2, … with the given labels.</summary>
    public static byte[] Png(IReadOnlyList<double> values, string title, string xLabel, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        var xs = Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray();
        var line = plot.Add.Scatter(xs, values.ToArray());
        line.MarkerSize = values.Count > 40 ? 0 : 4;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot.GetImageBytes(640, 360, ScottPlot.ImageFormat.Png);
    }
}
