using Motive.Methods.Editing;

namespace Motive.Replays;

/// <summary>
/// What a replay says of itself, from which `motive selftest NAME FILE` is built: its name, one line for help, what
/// FILE must be, the options that override the recording's own metadata, and the check itself (FILE, the options'
/// values, cancellation → the report). Every kind is listed once, in <see cref="ReplayKinds"/>.
/// </summary>
public sealed record ReplayKind(string Name, string Summary, string FileHelp, IReadOnlyList<ToolOption> Options,
    Func<string, ToolArgs, CancellationToken, ReplayReport> Check)
{
    /// <summary>--model, which every replay takes.</summary>
    public static ToolOption ModelOption { get; } = ToolOption.Text("--model",
        "Override the SD model the recording's metadata names (relative to FILE's folder; an mg_sampler recording names none: tiny-sd beside FILE).");
}
