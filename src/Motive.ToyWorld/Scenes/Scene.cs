namespace Motive.ToyWorld.Scenes;

/// <summary>
/// The shapes of the toy world: three, far apart in outline, so that a small UNet can learn to draw each at 4–8
/// latent cells wide (the first world's six, stars, rings and rhombi among them, came out as blobs: shapes right 15 %).
/// </summary>
public enum Shape { Circle, Square, Triangle }

/// <summary>Background families: smooth value noise (the textured one), a linear gradient, a floor under a sky.</summary>
public enum BackgroundKind { Noise, Gradient, FloorSky }

/// <summary>An RGB colour with components in [0,1].</summary>
public readonly record struct Rgb(float R, float G, float B)
{
    public Rgb Scale(float k) => new(Math.Clamp(R * k, 0, 1), Math.Clamp(G * k, 0, 1), Math.Clamp(B * k, 0, 1));
    public static Rgb Mix(Rgb a, Rgb b, float t) => new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);
}

/// <summary>
/// The background: <paramref name="A"/> and <paramref name="B"/> are its two colours (muted, so that objects stand
/// out by hue); <paramref name="Angle"/> orients gradients (degrees), <paramref name="Period"/> is the noise-cell
/// size in pixels, <paramref name="Horizon"/> the floor line (fraction of the height),
/// <paramref name="Seed"/> seeds the noise texture.
/// </summary>
public sealed record Background(BackgroundKind Kind, Rgb A, Rgb B, double Angle, double Period, double Horizon, int Seed);

/// <summary>
/// One object: its shape and named colour, centre (px), size (the radius of its circumscribed circle, px) and rotation
/// (degrees, clockwise on screen). Objects later in a scene's list are drawn in front.
/// </summary>
public sealed record SceneObject(Shape Shape, string Colour, double X, double Y, double Size, double Rotation);

/// <summary>A whole scene: size, background and objects back to front.</summary>
public sealed record Scene(int Width, int Height, Background Background, IReadOnlyList<SceneObject> Objects);
