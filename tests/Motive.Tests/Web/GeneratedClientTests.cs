using System.Diagnostics;
using Motive.Tests.Support;
using Xunit.Abstractions;

namespace Motive.Tests.Web;

/// <summary>
/// The served document as other programs use it, with the npm tools clients/typescript pins (.ci/run installs them
/// with `npm ci`; these tests install nothing): `redocly lint` finds no error in it, and a Node client whose types
/// openapi-typescript generates from it compiles under `tsc` and edits a toy scene through the API.
/// </summary>
[Trait(Tier.Category, Tier.Integration)]
public class GeneratedClientTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(Fixtures.RepoRoot, "clients", "typescript");

    private static string Tool(string name)
    {
        var path = Path.Combine(Folder, "node_modules", ".bin", name);
        Assert.True(File.Exists(path), $"{path} is missing: run `npm ci` in clients/typescript first (.ci/run does; the tests install nothing)");
        return path;
    }

    private (int Code, string Output) Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        Process p;
        try
        {
            p = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start {file} ({e.Message}): Node.js is needed for this test", e);
        }
        using var _ = p;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} ran over 4 minutes");
        }
        var text = stdout.Result + stderr.Result;
        output.WriteLine($"$ {Path.GetFileName(file)} {arguments}\n{text}");
        return (p.ExitCode, text);
    }

    [Fact]
    public async Task Redocly_FindsNoErrorInTheServedDocument()
    {
        var redocly = Tool("redocly");
        await using var h = await ServerHarness.Start();
        var doc = Path.Combine(Path.GetTempPath(), $"motive-openapi-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(doc, await h.Client.GetStringAsync("openapi/v1.json"));
            var (code, text) = Run(redocly, $"lint \"{doc}\"");
            Assert.True(code == 0, $"redocly lint failed ({code}):\n{text}");
            Assert.Contains("Your API description is valid", text);
        }
        finally
        {
            File.Delete(doc);
        }
    }

    [Fact]
    public async Task TypeScriptClient_GeneratedFromTheDocument_EditsAToyScene()
    {
        var generate = Tool("openapi-typescript");
        var tsc = Tool("tsc");
        await using var h = await ServerHarness.Start();
        var url = h.Server.Url.ToString().TrimEnd('/');
        var (code, text) = Run(generate, $"{url}/openapi/v1.json --default-non-nullable false -o generated/api.d.ts");
        Assert.True(code == 0, $"openapi-typescript failed:\n{text}");
        (code, text) = Run(tsc, "-p .");
        Assert.True(code == 0, $"the client does not type-check against the generated types:\n{text}");
        (code, text) = Run("node", $"dist/client.js {url}");
        Assert.True(code == 0, $"the client failed:\n{text}");
        Assert.Contains("motion-guidance: job", text);
        Assert.Contains("guide-and-rescale: job", text);
        Assert.Contains("refused as it should be: 400", text);
    }
}
