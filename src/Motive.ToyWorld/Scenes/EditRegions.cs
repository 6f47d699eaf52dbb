using Motive.IO.Images;

namespace Motive.ToyWorld.Scenes;

/// <summary>
/// Where an edit asks a method for different things, one region per pixel (see <see cref="EditRegions"/>):
/// <see cref="Uncovered"/> the background must reappear where the object was; <see cref="Revealed"/> a part of an
/// object never seen in the source must appear; <see cref="Covered"/> the object must be drawn where it was not;
/// <see cref="Overlap"/> the object lies over its own old place; <see cref="Rest"/> nothing should change.
/// </summary>
public enum EditRegion { Rest, Uncovered, Revealed, Covered, Overlap }

/// <summary>
/// The regions of one edit of object k, exact from the truth: the source and target label maps (the object seen at
/// each pixel centre, −1 background) and the scenes' geometry. With A the source's label and B the target's at a pixel:
/// <list type="bullet">
/// <item>B = k and the object's own point there (the target pixel taken back through the edit) was not seen in the
/// source — a nearer object hid it, or it lay outside the frame: <b>revealed</b> (the back object moved out from behind).</item>
/// <item>else B = k and A = k: <b>overlap</b>; B = k and A ≠ k: <b>covered</b> (newly covered).</item>
/// <item>A = k, B = −1: <b>uncovered</b> (background); A = k, B = j ≠ k: <b>revealed</b> (object j, which k hid in
/// the source: j did not change, so its pixel was there, behind k).</item>
/// <item>everything else (neither A nor B is k): <b>rest</b>, the same pixels as the toy score's "outside the edit".</item>
/// </list>
/// Labels are at pixel centres, as the renderer's, so an anti-aliased edge pixel belongs to the region of its centre.
/// </summary>
public sealed record EditRegions(int Width, int Height, EditRegion[] Labels)
{
    /// <summary>The regions in table order.</summary>
    public static readonly IReadOnlyList<EditRegion> All = [EditRegion.Uncovered, EditRegion.Revealed, EditRegion.Covered, EditRegion.Overlap, EditRegion.Rest];

    public static EditRegions Of(EditGroundTruth truth) =>
        Of(truth.Source, truth.Edit, truth.SourceRender.Labels, truth.TargetRender.Labels);

    /// <summary>The regions of <paramref name="edit"/> on <paramref name="source"/>, from both scenes' label maps.</summary>
    public static EditRegions Of(Scene source, SceneEdit edit, int[] sourceLabels, int[] targetLabels)
    {
        int w = source.Width, h = source.Height, k = edit.Object;
        if (sourceLabels.Length != w * h || targetLabels.Length != w * h) throw new ArgumentException("label maps must have the scene's size");
        var moved = edit.Transform(source.Objects[k]);
        var back = edit.Inverse();
        var labels = new EditRegion[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x, a = sourceLabels[i], b = targetLabels[i];
                if (b == k)
                {
                    var (sx, sy) = back.Apply(moved, x, y);
                    labels[i] = !SeenInSource(source, k, sx, sy) ? EditRegion.Revealed : a == k ? EditRegion.Overlap : EditRegion.Covered;
                }
                else if (a == k) labels[i] = b < 0 ? EditRegion.Uncovered : EditRegion.Revealed;
                else labels[i] = EditRegion.Rest;
            }
        return new EditRegions(w, h, labels);
    }

    /// <summary>
    /// Whether object <paramref name="k"/>'s point at (x, y) (in the source, px) showed in the source picture: inside the
    /// frame (pixel centres span [−½, size − ½)) and inside no object drawn in front of it.
    /// </summary>
    public static bool SeenInSource(Scene source, int k, double x, double y)
    {
        if (x < -0.5 || y < -0.5 || x >= source.Width - 0.5 || y >= source.Height - 0.5) return false;
        for (int j = k + 1; j < source.Objects.Count; j++)
        {
            var o = source.Objects[j];
            double cos = Math.Cos(o.Rotation * Math.PI / 180), sin = Math.Sin(o.Rotation * Math.PI / 180);
            var (u, v) = SceneRenderer.Local(o, cos, sin, x, y);
            if (Shapes.Inside(o.Shape, u, v)) return false;
        }
        return true;
    }

    public bool[] Mask(EditRegion region) => Labels.Select(l => l == region).ToArray();

    public int Count(EditRegion region) => Labels.Count(l => l == region);

    /// <summary>The region's name in tables and JSON.</summary>
    public static string Name(EditRegion region) => region switch
    {
        EditRegion.Uncovered => "uncovered",
        EditRegion.Revealed => "revealed",
        EditRegion.Covered => "covered",
        EditRegion.Overlap => "overlap",
        _ => "rest",
    };

    /// <summary>The colour of each region in <see cref="Picture"/> (rest: the picture behind, darkened).</summary>
    public static Rgb Colour(EditRegion region) => region switch
    {
        EditRegion.Uncovered => new Rgb(1f, 0.55f, 0f),     // orange
        EditRegion.Revealed => new Rgb(1f, 0.1f, 0.9f),     // magenta
        EditRegion.Covered => new Rgb(0.1f, 0.6f, 1f),      // sky blue
        EditRegion.Overlap => new Rgb(0.2f, 0.85f, 0.2f),   // green
        _ => new Rgb(0, 0, 0),
    };

    /// <summary>The regions colour-coded (<see cref="Colour"/>) over <paramref name="under"/> (planar RGB in [0,1]) at a third of its brightness.</summary>
    public RgbImage Picture(float[] under)
    {
        int n = Width * Height;
        var px = new byte[3 * n];
        for (int i = 0; i < n; i++)
        {
            var c = Labels[i] == EditRegion.Rest ? new Rgb(under[i], under[n + i], under[2 * n + i]).Scale(1 / 3f) : Colour(Labels[i]);
            px[3 * i] = (byte)Math.Round(c.R * 255);
            px[3 * i + 1] = (byte)Math.Round(c.G * 255);
            px[3 * i + 2] = (byte)Math.Round(c.B * 255);
        }
        return new RgbImage(Width, Height, px);
    }
}
