using Motive.Cli;

namespace Motive.Tests.Support;

/// <summary>Runs the `motive` command line in-process and captures what it prints.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        return (CliApp.Run(args, o, e), o.ToString(), e.ToString());
    }
}
