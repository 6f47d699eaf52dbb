using Motive.Methods.Editing;

namespace Motive.Methods.WarpInpaint;

/// <summary>
/// One warp-then-inpaint edit ("method": "warp-inpaint"): the picture, where things move (a flow file or strokes, as
/// Motion Guidance takes them), the prompt that describes the picture (the inpainting's conditioning), the settings
/// (left-out ones from the model's preset, see <see cref="MethodPresets"/>) and the seed (the noise of the known
/// region's path, the holes' start, and the resampling's jumps).
/// </summary>
public sealed record WarpInpaintRequest : EditRequest
{
    public string? Image { get; init; }
    public TargetMotion Motion { get; init; } = new();
    public string Prompt { get; init; } = "";
    public WarpInpaintOptions Settings { get; init; } = new();
}
