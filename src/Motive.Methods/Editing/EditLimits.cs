namespace Motive.Methods.Editing;

/// <summary>
/// Sizes a request may ask for, checked before anything is allocated. Stable Diffusion 1.x edits at 512 px; 2048 px
/// a side is 16× its area, already past what a 24 GB card holds for a guided run, so beyond it is a typo, not an edit.
/// </summary>
public static class EditLimits
{
    public const int MaxSide = 2048;

    /// <summary>Refuses sides outside 1..<see cref="MaxSide"/>, naming <paramref name="what"/>.</summary>
    public static void CheckSize(string what, long width, long height)
    {
        if (width < 1 || height < 1) throw new ArgumentException($"{what}: {width}x{height} is not a size");
        if (width > MaxSide || height > MaxSide)
            throw new ArgumentException($"{what}: {width}x{height} is larger than the {MaxSide} px a side Motive edits at (Stable Diffusion 1.x works at 512)");
    }
}
