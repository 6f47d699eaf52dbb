using Motive.IO.Images;

namespace Motive.Tests.Support;

/// <summary>
/// Bad-input tables of the CLI commands: each row runs with {image} (a 64×64 black PNG), {dir}/bad.png (a truncated
/// PNG), {dir} and {out} filled in, and must fail with one line naming the problem, no stack trace, nothing on stdout
/// and no output folder.
/// </summary>
public static class Refusals
{
    public static void Check(string name, string[] args, string message)
    {
        using var dir = new TempDir();
        PngWriter.Write(dir.File("in.png"), new RgbImage(64, 64, new byte[64 * 64 * 3]));
        File.WriteAllBytes(dir.File("bad.png"), [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        var output = dir.File("out");
        var (code, o, e) = CliRunner.Run(args.Select(a => a.Replace("{out}", output).Replace("{image}", dir.File("in.png")).Replace("{dir}", dir.Path)).ToArray());
        Assert.True(code != 0, $"{name}: exit 0");
        Assert.Contains(message, e);
        Assert.Single(e.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", e);
        Assert.Equal("", o);
        Assert.False(Directory.Exists(output), $"{name}: an output folder was left");
    }
}
