using Motive.IO.Images;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// The pictures of a bench's cases: each case's regions colour-coded (cases/SEED/regions.png, <see cref="EditRegions.Picture"/>)
/// and the report's contact sheet (cases.png): a row per case, source | exact target | regions | each method's picture
/// (blank where a method has none for the case).
/// </summary>
public static class ToyCaseSheet
{
    public const string SheetFile = "cases.png", RegionsFile = "regions.png";

    /// <summary>The panels of a row, for the report.</summary>
    public static string Panels(IReadOnlyList<string> methods) => "source | exact target | regions | " + string.Join(" | ", methods);

    public static void Write(string dir, IReadOnlyList<ToyCase> cases, IReadOnlyList<ToyBenchRow> rows)
    {
        if (cases.Count == 0) return;
        var methods = rows.Select(r => r.Method).Distinct().ToList();
        var cells = new List<RgbImage>();
        foreach (var c in cases)
        {
            var regions = EditRegions.Of(c.Truth).Picture(c.Truth.TargetRender.Image);
            var caseDir = Path.Combine(dir, "cases", c.Seed.ToString());
            Directory.CreateDirectory(caseDir);
            PngWriter.Write(Path.Combine(caseDir, RegionsFile), regions);
            cells.AddRange([c.Truth.SourceRender.ToRgb(), c.Truth.TargetRender.ToRgb(), regions]);
            foreach (var m in methods)
            {
                var image = rows.FirstOrDefault(r => r.Seed == c.Seed && r.Method == m)?.Image;
                cells.Add(image is null ? Blank(c.Width, c.Height) : SceneRender.Rgb(image, c.Width, c.Height));
            }
        }
        PngWriter.Write(Path.Combine(dir, SheetFile), ImageGrid.Sheet(cells, side: Math.Max(cases[0].Width, cases[0].Height), columns: 3 + methods.Count));
    }

    private static RgbImage Blank(int w, int h)
    {
        var px = new byte[w * h * 3];
        Array.Fill(px, (byte)255);
        return new RgbImage(w, h, px);
    }
}
