using System.Text.RegularExpressions;
using Motive.Cli;
using Motive.Tests.Support;

namespace Motive.Tests.Cli;

/// <summary>`motive serve` from the command line: it says where it listens, serves, and stops on Ctrl+C.</summary>
[Trait(Tier.Category, Tier.Integration)]
public class ServeCommandTests
{
    [Fact]
    public async Task Serve_PrintsItsAddress_Serves_AndStopsOnCtrlC()
    {
        var printed = new StringWriter();
        var output = TextWriter.Synchronized(printed);   // written by the server's thread; its methods lock the wrapper
        string Printed()
        {
            lock (output) return printed.ToString();
        }
        var errors = new StringWriter();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => CliApp.Run(["serve", "--port", "0"], output, errors, stop.Token));
        string? url = null;
        for (int i = 0; i < 600 && url is null && !run.IsCompleted; i++)
        {
            await Task.Delay(100);
            url = Regex.Match(Printed(), @"the editor is at (http://127\.0\.0\.1:\d+/)") is { Success: true } m ? m.Groups[1].Value : null;
        }
        Assert.True(url is not null, $"no address printed: {Printed()} {errors}");
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Contains("motion-guidance", await client.GetStringAsync("api/v1/methods"));
        stop.Cancel();
        Assert.Equal(CliApp.Ok, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopped", Printed());
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("api/v1/methods"));
    }
}

/// <summary>`motive serve`'s bad options: each one line, before anything listens.</summary>
[Trait(Tier.Category, Tier.Unit)]
public class ServeCommandOptionTests
{
    [Theory]
    [InlineData("--host 0.0.0.0", "reaches beyond this machine: give a bearer token that every client must send (--token or $MOTIVE_TOKEN)")]
    [InlineData("--token short", "too short")]
    [InlineData("--max-side 8", "image side limit")]
    [InlineData("--queue 0", "at least one job")]
    [InlineData("--cors file:///x", "not an http(s) origin")]
    [InlineData("--device tpu", "--device must be cpu or cuda")]
    [InlineData("--host 127.0.0.1 --port 70000", "port")]
    public void BadOptions_AreOneLine(string options, string message) =>
        Refusals.Check(options, ["serve", .. options.Split(' ')], message);
}
