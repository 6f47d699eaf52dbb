using Motive.IO.Images;
using SkiaSharp;

namespace Motive.Methods.Editing;

/// <summary>
/// Pictures side by side (<see cref="ImageStrip"/>) with a caption under each, word-wrapped to its picture's width:
/// a summary strip that says what each panel shows, as Prompt-to-Prompt's two prompts. The text is drawn in the
/// default typeface (ScottPlot's plots draw theirs the same way); the words are also kept as summary.png's text chunk.
/// </summary>
public static class CaptionedStrip
{
    public static RgbImage Join(IReadOnlyList<RgbImage> panels, IReadOnlyList<string> captions, int gap = 4)
    {
        if (panels.Count != captions.Count) throw new ArgumentException($"{panels.Count} pictures but {captions.Count} captions");
        var strip = ImageStrip.Join(panels, gap);
        using var font = new SKFont(SKTypeface.Default, Math.Clamp(panels.Min(p => p.Width) / 12f, 9f, 16f));
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        var lines = panels.Select((p, i) => Wrap(captions[i], p.Width - 4, font)).ToList();
        int textHeight = (int)Math.Ceiling(lines.Max(l => l.Count) * font.Spacing) + 6;
        using var text = new SKBitmap(new SKImageInfo(strip.Width, textHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(text))
        {
            canvas.Clear(SKColors.White);
            int x = 0;
            for (int i = 0; i < panels.Count; i++)
            {
                for (int k = 0; k < lines[i].Count; k++)
                    canvas.DrawText(lines[i][k], x + 2, 2 + (k + 1) * font.Spacing - font.Metrics.Descent, SKTextAlign.Left, font, paint);
                x += panels[i].Width + gap;
            }
        }
        var rgba = text.Bytes;
        var pixels = new byte[strip.Pixels.Length + strip.Width * textHeight * 3];
        strip.Pixels.CopyTo(pixels, 0);
        for (int p = 0, o = strip.Pixels.Length; p < strip.Width * textHeight; p++, o += 3)
            (pixels[o], pixels[o + 1], pixels[o + 2]) = (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]);
        return new RgbImage(strip.Width, strip.Height + textHeight, pixels);
    }

    /// <summary>Greedy word wrap to <paramref name="width"/> pixels (a word wider than that gets a line of its own).</summary>
    private static List<string> Wrap(string caption, float width, SKFont font)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in caption.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var longer = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && font.MeasureText(longer) > width)
            {
                lines.Add(line);
                line = word;
            }
            else line = longer;
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
    }
}
