using System.Text.Json.Serialization;
using Motive.Methods.Editing;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// One Motion Guidance edit ("method": "motion-guidance"): the source, where things move (a flow file, or strokes
/// drawn over a region), the edit mask (auto | none | a file), the prompt, the RAFT checkpoint (null = the embedded
/// toy RAFT), the settings (left-out ones come from the model's preset, see <see cref="MethodPresets"/>) and the seed
/// (recursion noise, generated source, fresh z_T).
/// </summary>
public sealed record MotionGuidanceRequest : EditRequest
{
    public required MotionSource Source { get; init; }
    public required TargetMotion Motion { get; init; }
    public string Prompt { get; init; } = "";
    public string? Raft { get; init; }
    public string EditMask { get; init; } = "auto";
    public MotionGuidanceOptions Settings { get; init; } = new();
}

/// <summary>Where the picture to edit comes from.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ImageSource), "image")]
[JsonDerivedType(typeof(ExampleSource), "example")]
[JsonDerivedType(typeof(GeneratedSource), "generated")]
public abstract record MotionSource;

/// <summary>A real picture, DDIM-inverted with the prompt and the run's own schedule.</summary>
public sealed record ImageSource(string Image) : MotionSource;

/// <summary>A Motion Guidance example folder read unchanged (pred.png, start_zt.pth, latents/, flows/).</summary>
public sealed record ExampleSource(string Folder) : MotionSource;

/// <summary>A picture generated from the prompt and the seed (null sides: the model's own size).</summary>
public sealed record GeneratedSource(int? Width = null, int? Height = null) : MotionSource;
