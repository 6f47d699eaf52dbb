using Motive.Methods.Editing;

namespace Motive.Methods.PromptToPrompt;

/// <summary>
/// One Prompt-to-Prompt edit ("method": "prompt-to-prompt"): the prompt that describes the source and the edited
/// prompt, and the source: a picture (inverted by null-text inversion, so that guided sampling reproduces it) or, when
/// no picture is given, the source prompt's own sample from the seed's noise.
/// </summary>
public sealed record P2pRequest : EditRequest
{
    /// <summary>A picture to edit; null = generate the source from <see cref="SourcePrompt"/> and the seed.</summary>
    public string? Image { get; init; }
    /// <summary>
    /// A given x_T for a generated source: a .safetensors holding 'latents' or 'zT' [1, 4, h, w] (the run is then
    /// 8h × 8w); null = the seed's noise.
    /// </summary>
    public string? Latents { get; init; }
    public string? SourcePrompt { get; init; }
    public string? TargetPrompt { get; init; }
    public P2pSettings Settings { get; init; } = new();

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SourcePrompt)) throw new ArgumentException("say what the source shows: a source prompt (e.g. \"a blue square on a gradient background\")");
        if (string.IsNullOrWhiteSpace(TargetPrompt)) throw new ArgumentException("say what the edit shows: a target prompt, the source prompt with words swapped, added or re-weighted");
        if (Image is not null && Latents is not null)
            throw new ArgumentException("give a picture or a starting latent, not both: a picture's x_T comes from its null-text inversion");
        foreach (var (name, p) in new[] { ("source prompt", SourcePrompt), ("target prompt", TargetPrompt) })
            if (p.Contains("  ") || p != p.Trim())
                throw new ArgumentException($"the {name} \"{p}\" has a leading, trailing or double space: Prompt-to-Prompt finds words by single spaces");
    }
}
