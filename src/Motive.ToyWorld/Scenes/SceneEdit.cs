using System.Globalization;

namespace Motive.ToyWorld.Scenes;

/// <summary>What an edit does to one object.</summary>
public enum EditKind { Move, Scale, Rotate }

/// <summary>
/// One edit: object <paramref name="Object"/> moved by (Dx, Dy) px, scaled by <paramref name="Factor"/> about its
/// centre, or turned by <paramref name="Degrees"/> (clockwise on screen) about it.
/// </summary>
public sealed record SceneEdit(EditKind Kind, int Object, double Dx = 0, double Dy = 0, double Factor = 1, double Degrees = 0)
{
    /// <summary>Where the edit sends a point of the object.</summary>
    public (double X, double Y) Apply(SceneObject o, double x, double y)
    {
        switch (Kind)
        {
            case EditKind.Move: return (x + Dx, y + Dy);
            case EditKind.Scale: return (o.X + Factor * (x - o.X), o.Y + Factor * (y - o.Y));
            default:
                double c = Math.Cos(Degrees * Math.PI / 180), s = Math.Sin(Degrees * Math.PI / 180), dx = x - o.X, dy = y - o.Y;
                return (o.X + c * dx - s * dy, o.Y + s * dx + c * dy);
        }
    }

    /// <summary>The object after the edit.</summary>
    public SceneObject Transform(SceneObject o) => Kind switch
    {
        EditKind.Move => o with { X = o.X + Dx, Y = o.Y + Dy },
        EditKind.Scale => o with { Size = o.Size * Factor },
        _ => o with { Rotation = o.Rotation + Degrees },
    };

    /// <summary>
    /// The edit that undoes this one: applied to the edited object, it sends each of its points back where it was (a move,
    /// scale or turn keeps the object's centre or shifts it by the move, so the inverse about the edited centre is exact).
    /// </summary>
    public SceneEdit Inverse() => this with { Dx = -Dx, Dy = -Dy, Factor = 1 / Factor, Degrees = -Degrees };

    /// <summary>The scene after the edit (same draw order).</summary>
    public Scene Apply(Scene scene) =>
        scene with { Objects = scene.Objects.Select((o, k) => k == Object ? Transform(o) : o).ToList() };

    /// <summary>"move the red star 20 px right and 4 px up", "scale the blue ring by 1.30", "rotate the green square 40° clockwise".</summary>
    public string Describe(Scene scene)
    {
        var o = scene.Objects[Object];
        var name = $"the {o.Colour} {Captions.ShapeWord(o.Shape)}";
        string N(double v) => Math.Abs(v).ToString("0.#", CultureInfo.InvariantCulture);
        return Kind switch
        {
            EditKind.Move => $"move {name} " + string.Join(" and ", new[]
            {
                Dx == 0 ? null : $"{N(Dx)} px {(Dx > 0 ? "right" : "left")}",
                Dy == 0 ? null : $"{N(Dy)} px {(Dy > 0 ? "down" : "up")}",
            }.Where(s => s is not null)),
            EditKind.Scale => $"scale {name} by {Factor.ToString("0.00", CultureInfo.InvariantCulture)}",
            _ => $"rotate {name} {N(Degrees)}° {(Degrees > 0 ? "clockwise" : "counter-clockwise")}",
        };
    }
}
