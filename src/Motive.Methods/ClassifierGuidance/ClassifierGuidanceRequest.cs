using Motive.Methods.Editing;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// One classifier-guided sampling ("method": "classifier-guidance"): pictures from the prompt (may be empty, or a
/// caption that leaves the attribute out) steered towards the classifier's <see cref="Target"/> class. The
/// classifier is a file written by <c>motive train classifier</c> (null = the embedded toy colour classifier); the
/// settings' left-out fields come from the model's preset; sample k starts from the noise of seed + k.
/// </summary>
public sealed record ClassifierGuidanceRequest : EditRequest
{
    public string Prompt { get; init; } = "";
    public required string Target { get; init; }
    public string? Classifier { get; init; }
    public ClassifierGuidanceOptions Settings { get; init; } = new();
}
