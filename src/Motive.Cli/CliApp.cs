using System.CommandLine;
using System.Reflection;
using Motive.Cli.Commands;
using Motive.IO;
using Motive.Methods.Editing;

namespace Motive.Cli;

/// <summary>
/// The `motive` command tree, and the one place where errors become a single line on stderr and an
/// exit code: 0 ok, 1 bad input (a file's problem), 2 bad usage, 130 cancelled (Ctrl+C), 70 internal error.
/// </summary>
public static class CliApp
{
    public const int Ok = 0, BadInput = 1, BadUsage = 2, Internal = 70, Cancelled = 130;

    public static RootCommand Build()
    {
        var root = new RootCommand("Motive: training-free, guidance-based diffusion image editing.");
        root.Add(InspectCommand.Create());
        root.Add(GenerateCommand.Create());
        root.Add(InvertCommand.Create());
        root.Add(BenchCommand.Create());
        root.Add(EvalCommand.Create());
        root.Add(FlowCommand.Create());
        root.Add(EnergyCommand.Create());
        root.Add(SelftestCommand.Create());
        foreach (var method in EditMethods.All) root.Add(MethodCommand.Create(method));
        root.Add(RunCommand.Create());
        root.Add(SceneCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(DemoCommand.Create());
        root.Add(ServeCommand.Create());
        root.Add(BatchCommand.Create());
        // The default --version reports the entry assembly, which is the test host under tests.
        foreach (var v in root.Options.OfType<VersionOption>()) v.Action = new PrintVersion();
        return root;
    }

    /// <summary>Motive's version, e.g. 0.1.0+commit.</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private sealed class PrintVersion : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return Ok;
        }
    }

    /// <summary>Runs the command line. Ctrl+C (or <paramref name="cancel"/>) stops long work cleanly, exit code 130.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, CancellationToken cancel = default)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"motive: {parse.Errors[0].Message} (see 'motive --help')");
            return BadUsage;
        }
        try
        {
            return parse.InvokeAsync(config, cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("motive: cancelled");
            return Cancelled;
        }
        catch (Exception e)
        {
            return Report(e, stderr);
        }
    }

    /// <summary>
    /// A library error as one printable line, with the option that changes what it complains of where there is one:
    /// the one place front-end hints are added (the library speaks of the request, the CLI of its options).
    /// </summary>
    public static string Describe(Exception e)
    {
        var text = e switch
        {
            EditMemoryException => e.Message + " (--max-memory GIB sets the limit)",
            _ => e.Message,
        };
        return OneLine(text);
    }

    /// <summary>One printable line, whatever a library or the OS put into the message.</summary>
    private static string OneLine(string text) => new(text.ReplaceLineEndings(" ").Where(c => !char.IsControl(c)).ToArray());

    /// <summary>One line per failure; the stack trace only when MOTIVE_DEBUG is set.</summary>
    internal static int Report(Exception e, TextWriter stderr)
    {
        if (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        int code = e switch
        {
            MotiveFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => BadInput,
            ArgumentException => BadUsage,
            _ => Internal,
        };
        stderr.WriteLine("motive: " + (code == Internal ? OneLine($"internal error: {e.GetType().Name}: {e.Message}") : Describe(e)));
        if (Environment.GetEnvironmentVariable("MOTIVE_DEBUG") is { Length: > 0 }) stderr.WriteLine(e);
        return code;
    }
}
