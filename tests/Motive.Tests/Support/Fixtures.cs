namespace Motive.Tests.Support;

/// <summary>Locates the shared parity fixtures (../shared/fixtures/parity beside the repository).</summary>
public static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The parity fixture folder; MOTIVE_FIXTURES overrides it.</summary>
    public static string ParityDir =>
        Environment.GetEnvironmentVariable("MOTIVE_FIXTURES") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "parity"));

    /// <summary>Full path of a fixture; a missing one fails the test with a message that says where it was looked for.</summary>
    public static string Parity(string name)
    {
        var path = Path.Combine(ParityDir, name);
        if (!File.Exists(path) && !Directory.Exists(path))
            Assert.Fail($"parity fixture missing: {path} (the shared/ folder must sit beside the repository, or set MOTIVE_FIXTURES)");
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Motive.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Motive.slnx) above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "motive-test-" + Guid.NewGuid().ToString("N"));
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
