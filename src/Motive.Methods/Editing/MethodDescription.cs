using System.Text.Json.Nodes;

namespace Motive.Methods.Editing;

/// <summary>
/// The kinds of input a method asks a user for: a small fixed set that every host knows how to show (the CLI as
/// options, the editor as controls over the picture or fields in its panel, the batch expander and the API as the
/// request's JSON fields).
/// </summary>
public enum Widget
{
    /// <summary>The picture to edit: a file (CLI), the picture on the stage (editor).</summary>
    Picture,
    /// <summary>A line of text, e.g. a prompt.</summary>
    Text,
    /// <summary>A real number.</summary>
    Number,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>One of <see cref="MethodInput.Choices"/>.</summary>
    Choice,
    /// <summary>On when given: sets <see cref="MethodInput.Value"/> (true unless said).</summary>
    Flag,
    /// <summary>True or false, either said (CLI: --x or --x false).</summary>
    Switch,
    /// <summary>Handle → target pairs in the picture's pixels (CLI: X1,Y1:X2,Y2, repeated; editor: clicks).</summary>
    Points,
    /// <summary>A motion drawn over a region (translate, rotate, zoom, stretch, drag points): a MotionSpec.</summary>
    Motion,
    /// <summary>A region as text: X,Y,W,H, ellipse:CX,CY,RX,RY or click:X,Y (editor: drawn).</summary>
    Region,
    /// <summary>A picture of where the edit may change, white = free (editor: painted); or one of <see cref="MethodInput.Choices"/>.</summary>
    Mask,
    /// <summary>A file or folder on the user's machine (flows, LoRAs, example folders, checkpoints): the CLI's alone.</summary>
    File,
    /// <summary>WxH in pixels, written as the object's "width" and "height".</summary>
    Size,
}

/// <summary>
/// One input of a method: where its value goes in the request's JSON (<paramref name="Key"/>, dotted: "prompt",
/// "source.image", "settings.steps"), how it is shown (<paramref name="Widget"/>) and what it means
/// (<paramref name="Help"/>). The CLI option is "--" + the key's last part with dashes unless <see cref="Option"/> says.
/// </summary>
public sealed record MethodInput(string Key, Widget Widget, string Help)
{
    /// <summary>The CLI option's name, e.g. "--iterations" (default: from the key).</summary>
    public string? Option { get; init; }
    /// <summary>The reference's spellings the CLI also takes.</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];
    /// <summary>Earlier spellings the CLI still takes, saying the new one.</summary>
    public IReadOnlyList<string> Renamed { get; init; } = [];
    /// <summary>The editor's label (default: the key's last part in words).</summary>
    public string? Label { get; init; }
    public bool Required { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>A <see cref="Widget.Choice"/>'s values, or a <see cref="Widget.Mask"/>'s words that are not files.</summary>
    public IReadOnlyList<string>? Choices { get; init; }
    /// <summary>What a <see cref="Widget.Flag"/> sets when given (null: true).</summary>
    public JsonNode? Value { get; init; }
    /// <summary>Other fields set when this one is given, e.g. {"source.kind": "image"}.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Sets { get; init; } = new Dictionary<string, JsonNode?>();
    /// <summary>Inputs of one group are alternatives: at most one may be given.</summary>
    public string? Group { get; init; }
    /// <summary>The editor shows it under "more settings".</summary>
    public bool Advanced { get; init; }

    /// <summary>The CLI option's name.</summary>
    public string OptionName => Option ?? "--" + Key.Split('.')[^1].Replace('_', '-');

    /// <summary>The editor's label.</summary>
    public string LabelText => Label ?? char.ToUpperInvariant(Key.Split('.')[^1][0]) + Key.Split('.')[^1][1..].Replace('_', ' ');
}

/// <summary>
/// What a method says of itself, from which every host is built: its request's name, the CLI verb that runs it, one
/// line for listings, its name for people (<see cref="Title"/>), the inputs it takes, the named presets of its settings, the auxiliary models a request names
/// by path (key → what the server substitutes, e.g. "raft"), and the fields every request starts from
/// (<see cref="Skeleton"/>, e.g. a generated source when no picture is given).
/// </summary>
public sealed record MethodDescription(string Name, string Command, string Summary, IReadOnlyList<MethodInput> Inputs)
{
    /// <summary>The method's name for people, e.g. "Motion Guidance" (default: <see cref="Name"/>).</summary>
    public string? Title { get; init; }
    public IReadOnlyList<string> Presets { get; init; } = [];
    /// <summary>Request keys that name an auxiliary model file, by the kind of model (e.g. "raft" → "raft").</summary>
    public IReadOnlyDictionary<string, string> AuxModels { get; init; } = new Dictionary<string, string>();
    public JsonObject Skeleton { get; init; } = [];
    /// <summary>A published dataset of case folders the method reads whole (one request per folder), or null.</summary>
    public CaseFolders? Cases { get; init; }
    /// <summary>The method's energies, each evaluated once on given inputs for inspection (`motive energy NAME`).</summary>
    public IReadOnlyList<Tool> Energies { get; init; } = [];
}

/// <summary>
/// A dataset laid out as one folder per case (<paramref name="Name"/>, e.g. "dragbench"): a folder holding every one of
/// <paramref name="Files"/> is a case, and its request names the folder at <paramref name="Key"/>. The batch expander
/// makes a manifest of a tree of them.
/// </summary>
public sealed record CaseFolders(string Name, string Key, IReadOnlyList<string> Files);
