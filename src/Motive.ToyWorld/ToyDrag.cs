using Motive.IO.Images;
using Motive.Methods.DragDiffusion;
using Motive.Models.Flow;
using Motive.ToyWorld.Scenes;

namespace Motive.ToyWorld;

/// <summary>
/// A toy move as a drag, with the scene's exact truth: the handle is the moved object's visible centroid, the target
/// that point plus the move; the editable region is the object before and after (the truth's edit region, grown by
/// <paramref name="Margin"/> px). The moved scene is the truth: <see cref="ToyEditScore"/>'s centroid error is the
/// distance of the object's actual new position to the target.
/// </summary>
public sealed record ToyDrag(ToyCase Case, DragPair Drag, int Margin = 4)
{
    public const string SceneFile = "scene.png", RegionFile = "region.png";

    public static ToyDrag Of(ToyCase c)
    {
        var at = ImageMeasures.Centroid(c.Truth.SourceRender.Visible(c.Edit.Object), c.Width)
            ?? throw new ArgumentException($"toy case {c.Seed}: the edited object is not visible");
        return new ToyDrag(c, new DragPair(Math.Round(at.X), Math.Round(at.Y), Math.Round(at.X + c.Edit.Dx), Math.Round(at.Y + c.Edit.Dy)));
    }

    /// <summary>
    /// Writes scene.png and region.png into <paramref name="dir"/> and returns the drag request on them (names relative
    /// to it, behind <paramref name="prefix"/>: the folder as the request's reader sees it).
    /// </summary>
    public DragRequest Write(string dir, DragOptions? settings = null, string prefix = "")
    {
        Directory.CreateDirectory(dir);
        PngWriter.Write(Path.Combine(dir, SceneFile), Case.Truth.SourceRender.ToRgb());
        int w = Case.Width, h = Case.Height;
        var px = new byte[w * h * 3];
        var near = ImageMeasures.Grow(Case.Truth.Region, w, h, Margin);
        for (int i = 0; i < w * h; i++)
            if (near[i]) Array.Fill(px, (byte)255, i * 3, 3);
        PngWriter.Write(Path.Combine(dir, RegionFile), new RgbImage(w, h, px));
        return new DragRequest
        {
            Image = Path.Combine(prefix, SceneFile), Mask = Path.Combine(prefix, RegionFile), Drags = [Drag], Prompt = Case.Caption, Seed = Case.Seed, Settings = settings ?? new(),

        };
    }
}
