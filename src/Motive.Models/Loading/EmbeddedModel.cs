namespace Motive.Models.Loading;

/// <summary>
/// Where the embedded default model is: the toy diffusers folder and toy RAFT-small that Motive trains itself
/// (models/toy in the repository, copied beside the program at build time), read by the same loaders as real
/// checkpoints.
/// </summary>
public static class EmbeddedModel
{
    public const string RaftFile = "raft-small.safetensors";

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "models", "toy");

    public static string RaftPath => Path.Combine(Dir, RaftFile);
}
