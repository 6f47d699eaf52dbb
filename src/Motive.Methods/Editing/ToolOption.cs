namespace Motive.Methods.Editing;

/// <summary>How a tool option's value reads: a word or path, a real number, a whole number, on/off, or a word repeated.</summary>
public enum ToolValue { Text, Number, Integer, Flag, List }

/// <summary>
/// One option of a tool that is not an edit (a replay of a recording, a speed benchmark): its name ("--size"), how its
/// value reads, what it means, and its default. The tool says it once; the CLI builds the option from it (and a later
/// host could build a form), and the tool reads the value back from <see cref="ToolArgs"/> by the same name.
/// </summary>
public sealed record ToolOption(string Name, ToolValue Value, string Help)
{
    /// <summary>The value when the option is not given (null: none); computed when asked, e.g. "cuda" where there is one.</summary>
    public Func<object?>? Default { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];

    public static ToolOption Text(string name, string help, string? value = null) => new(name, ToolValue.Text, help) { Default = value is null ? null : () => value };
    public static ToolOption Number(string name, string help, double value) => new(name, ToolValue.Number, help) { Default = () => value };
    public static ToolOption Integer(string name, string help, int value) => new(name, ToolValue.Integer, help) { Default = () => value };
    public static ToolOption Flag(string name, string help) => new(name, ToolValue.Flag, help);
    public static ToolOption List(string name, string help) => new(name, ToolValue.List, help);
}

/// <summary>
/// The values a host read for a tool's options and arguments, by name (an option left out holds its default); a
/// tool reads them with the type its <see cref="ToolOption"/> said.
/// </summary>
public sealed class ToolArgs(IReadOnlyDictionary<string, object?> values)
{
    public string? Text(string name) => (string?)Get(name);
    public double Number(string name) => Convert.ToDouble(Get(name) ?? throw Missing(name), System.Globalization.CultureInfo.InvariantCulture);
    public int Integer(string name) => Convert.ToInt32(Get(name) ?? throw Missing(name), System.Globalization.CultureInfo.InvariantCulture);
    public bool Flag(string name) => Get(name) is true;
    public IReadOnlyList<string> List(string name) => Get(name) as IReadOnlyList<string> ?? [];

    private object? Get(string name) => values.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"the tool read {name}, which it does not describe");

    private static ArgumentException Missing(string name) => new($"{name} needs a value");
}

/// <summary>
/// A tool that is not an edit, described so that a host builds its command: its name, one line for help, its options,
/// and the run (the options' values, where its answer goes, where progress lines go). Speed benchmarks
/// (Motive.Benchmarks' SpeedBenches) and a method's energies evaluated once (<see cref="MethodDescription.Energies"/>) are tools.
/// </summary>
public sealed record Tool(string Name, string Summary, IReadOnlyList<ToolOption> Options, Action<ToolArgs, TextWriter, Action<string>> Run);
