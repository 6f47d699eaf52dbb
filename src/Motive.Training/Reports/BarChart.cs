namespace Motive.Training.Reports;

/// <summary>One metric across methods as a bar chart PNG (ScottPlot), for benchmark reports.</summary>
public static class BarChart
{
    public static void Write(string path, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        var plot = new ScottPlot.Plot();
        var bars = plot.Add.Bars(values.ToArray());
        for (int i = 0; i < bars.Bars.Count; i++) bars.Bars[i].Label = values[i].ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        bars.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        var temp = path + ".tmp.png";
        plot.SavePng(temp, 600, 400);
        File.Move(temp, path, overwrite: true);
    }
}
