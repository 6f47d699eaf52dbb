using System.CommandLine;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>
/// Command-line options from a tool's <see cref="ToolOption"/>s (a replay's, a speed benchmark's): how each
/// <see cref="ToolValue"/> reads on a command line is said once, here, and the values go back to the tool by name.
/// </summary>
public static class ToolCommand
{
    /// <summary>A tool's command: its options, and its run with the answer on stdout and progress lines on stderr.</summary>
    public static Command Create(Tool tool)
    {
        var cmd = new Command(tool.Name, tool.Summary);
        var args = AddOptions(cmd, tool.Options);
        cmd.SetAction(r =>
        {
            tool.Run(args(r), r.InvocationConfiguration.Output, line => r.InvocationConfiguration.Error.WriteLine(line));
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>Adds one option per description to <paramref name="cmd"/>; the reader of their values.</summary>
    public static Func<ParseResult, ToolArgs> AddOptions(Command cmd, IReadOnlyList<ToolOption> options)
    {
        var built = options.Select(o => (o, Option: OptionFor(o))).ToList();
        foreach (var (_, option) in built) cmd.Add(option);
        return r => new ToolArgs(built.ToDictionary(b => b.o.Name, b => Value(r, b.o, b.Option)));
    }

    private static Option OptionFor(ToolOption o)
    {
        var names = o.Aliases.ToArray();
        Option option = o.Value switch
        {
            ToolValue.Number => new Option<double?>(o.Name, names),
            ToolValue.Integer => new Option<int?>(o.Name, names),
            ToolValue.Flag => new Option<bool>(o.Name, names),
            ToolValue.List => new Option<string[]>(o.Name, names),
            _ => new Option<string?>(o.Name, names),
        };
        var shown = o.Default?.Invoke();
        option.Description = shown is null || o.Value == ToolValue.Flag ? o.Help : $"{o.Help} Default: {Convert.ToString(shown, System.Globalization.CultureInfo.InvariantCulture)}.";
        option.Required = o.Required;
        return option;
    }

    private static object? Value(ParseResult r, ToolOption o, Option option)
    {
        object? given = o.Value switch
        {
            ToolValue.Number => r.GetValue((Option<double?>)option),
            ToolValue.Integer => r.GetValue((Option<int?>)option),
            ToolValue.Flag => r.GetValue((Option<bool>)option),
            ToolValue.List => r.GetValue((Option<string[]>)option) is { Length: > 0 } list ? list : null,
            _ => r.GetValue((Option<string?>)option),
        };
        return given ?? o.Default?.Invoke();
    }
}
