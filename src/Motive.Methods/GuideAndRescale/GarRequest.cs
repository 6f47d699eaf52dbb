using Motive.Methods.Editing;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// One Guide-and-Rescale text edit ("method": "guide-and-rescale"): the picture, the prompt that describes it (the
/// inversion's and the guiders' "source"), the prompt that describes the edit ("target"), the settings (a named preset
/// of the reference's configs plus overrides) and the seed (the edit draws nothing at random; it is recorded).
/// </summary>
public sealed record GarRequest : EditRequest
{
    public string? Image { get; init; }
    public string? SourcePrompt { get; init; }
    public string? TargetPrompt { get; init; }
    public GarOptions Settings { get; init; } = new();

    public void Validate()
    {
        if (Image is null) throw new ArgumentException("say which picture to edit: an image");
        if (string.IsNullOrWhiteSpace(TargetPrompt)) throw new ArgumentException("say what the edit should show: a target prompt (e.g. \"a photo of a tiger\")");
        if (SourcePrompt is null) throw new ArgumentException("say what the picture shows: a source prompt (e.g. \"a photo of a cat\"); the inversion and the guidance read it");
        if (Settings.Preset is { } p && !GarPresets.Names.Contains(p))
            throw new ArgumentException($"unknown Guide-and-Rescale preset '{p}'; known: {string.Join(", ", GarPresets.Names)}");
    }
}
