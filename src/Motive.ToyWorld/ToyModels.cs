using Motive.IO;
using Motive.Models.Loading;
using Motive.Models.Raft;
using TorchSharp;

namespace Motive.ToyWorld;

/// <summary>
/// The embedded default model: the toy diffusers folder and the toy RAFT-small that Motive trains itself
/// (models/toy in the repository, copied beside the program at build time), loaded with the same loaders as real
/// checkpoints.
/// </summary>
public sealed class ToyModels : IDisposable
{
    public const string RaftFile = "raft-small.safetensors";

    /// <summary>The copy beside the program.</summary>
    public static string DefaultDir => Path.Combine(AppContext.BaseDirectory, "models", "toy");

    private ToyModels(StableDiffusionModel sd, RaftModel raft)
    {
        Sd = sd;
        Raft = raft;
    }

    public StableDiffusionModel Sd { get; }
    public RaftModel Raft { get; }

    public static ToyModels Load(string? dir = null, string? raft = null, string device = "cpu")
    {
        dir ??= DefaultDir;
        raft ??= Path.Combine(dir, RaftFile);
        if (!File.Exists(Path.Combine(dir, "model_index.json")))
            throw new MotiveFormatException(dir, "has no toy model (model_index.json is missing); train one with `motive train vae|unet --model-dir` or rebuild to copy models/toy");
        if (!File.Exists(raft)) throw new MotiveFormatException(raft, "is missing; train it with `motive train raft --out`");
        var sd = StableDiffusionModel.Load(dir, new LoadOptions(Device: device));
        try
        {
            var model = RaftLoader.Load(raft);
            model.to(torch.device(device));
            return new ToyModels(sd, model);
        }
        catch
        {
            sd.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Sd.Dispose();
        Raft.Dispose();
    }
}
