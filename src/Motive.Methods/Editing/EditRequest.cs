namespace Motive.Methods.Editing;

/// <summary>
/// Everything that defines one edit, as JSON (<see cref="EditJson"/>): the method's name as the <c>"method"</c>
/// discriminator, the model, the method's own fields, the seed. The CLI, the HTTP API and batch manifests all build
/// or read this one type per method; a result folder's run.json is the request that made it (resolved: every default
/// filled in), so <c>motive run run.json</c> replays the edit.
/// </summary>
public abstract record EditRequest
{
    /// <summary>The Stable Diffusion model: a diffusers folder or one original-layout checkpoint; null = the embedded model.</summary>
    public ModelRef Model { get; init; } = new();

    /// <summary>The seed of every random draw the edit makes.</summary>
    public long Seed { get; init; }
}

/// <summary>
/// Which Stable Diffusion to load and how: <paramref name="Path"/> (null = the embedded model), a diffusers folder of
/// the same family for single-file checkpoints (<paramref name="Config"/>), the weight variant, and the dtype
/// (fp32 | fp16 | bf16).
/// </summary>
public sealed record ModelRef(string? Path = null, string? Config = null, string? Variant = null, string Dtype = "fp32");
