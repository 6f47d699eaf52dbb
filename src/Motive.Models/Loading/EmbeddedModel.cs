namespace Motive.Models.Loading;

/// <summary>
/// Where the embedded default model is: the toy diffusers folder and toy RAFT-small that Motive trains itself
/// (models/toy in the repository), read by the same loaders as real checkpoints. It lies in the program's folder,
/// <c>AppContext.BaseDirectory/models/toy</c>: the motive tool and src/Motive.Cli copy it there, and so does the
/// Motive.Models package for every project that uses it. Where the program's folder has none, the folder beside
/// Motive.Models.dll, and the package's own copy when the assembly is loaded from the NuGet cache, are tried.
/// </summary>
public static class EmbeddedModel
{
    public const string RaftFile = "raft-small.safetensors";

    /// <summary>The embedded model's folder. Throws <see cref="DirectoryNotFoundException"/>, naming the folders
    /// looked in, when none of them has it.</summary>
    public static string Dir => Find(Candidates());

    public static string RaftPath => Path.Combine(Dir, RaftFile);

    /// <summary>The first of the folders that holds a diffusers model (model_index.json), or the error that names them all.</summary>
    internal static string Find(IReadOnlyList<string> candidates)
    {
        foreach (var dir in candidates)
            if (File.Exists(Path.Combine(dir, "model_index.json"))) return dir;
        throw new DirectoryNotFoundException(
            "The embedded model (models/toy) was not found; looked in " + string.Join(", ", candidates) +
            ". It comes with the motive tool and with the Motive.Models package, whose build targets copy it into the " +
            "program's output folder; otherwise pass a model path.");
    }

    private static List<string> Candidates()
    {
        var list = new List<string> { Path.Combine(AppContext.BaseDirectory, "models", "toy") };
        var assemblyDir = Path.GetDirectoryName(typeof(EmbeddedModel).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            list.Add(Path.Combine(assemblyDir, "models", "toy"));
            // In the package: lib/net10.0/Motive.Models.dll and models/toy.
            list.Add(Path.GetFullPath(Path.Combine(assemblyDir, "..", "..", "models", "toy")));
        }
        return list.Distinct().ToList();
    }
}
