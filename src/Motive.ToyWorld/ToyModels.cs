using Motive.IO;
using Motive.Methods.Editing;
using Motive.Models.Loading;
using Motive.Models.Raft;

namespace Motive.ToyWorld;

/// <summary>
/// The toy models an edit of the toy world runs on: the embedded default model (<see cref="EmbeddedModel"/>) or
/// another toy folder, and its RAFT, loaded once into a session's <see cref="EditModels"/>.
/// </summary>
public sealed class ToyModels : IDisposable
{
    public const string RaftFile = EmbeddedModel.RaftFile;

    private ToyModels(EditModels models, ModelRef model, string raft)
    {
        Models = models;
        Model = model;
        RaftPath = raft;
    }

    public EditModels Models { get; }
    /// <summary>The diffusers folder as requests name it (null path: the embedded model).</summary>
    public ModelRef Model { get; }
    public string RaftPath { get; }
    public StableDiffusionModel Sd => Models.Diffusion(Model);
    public RaftModel Raft => Models.Raft(RaftPath);

    /// <summary>The toy models, loaded now.</summary>
    public static ToyModels Load(string? dir = null, string? raft = null, string device = "cpu")
    {
        var toy = Open(dir, raft, device);
        try
        {
            _ = toy.Sd;
            _ = toy.Raft;
            return toy;
        }
        catch
        {
            toy.Dispose();
            throw;
        }
    }

    /// <summary>The toy models' files checked, loaded when an edit first uses them (so a bad request is refused before).</summary>
    public static ToyModels Open(string? dir = null, string? raft = null, string device = "cpu")
    {
        var folder = dir ?? EmbeddedModel.Dir;
        raft ??= Path.Combine(folder, RaftFile);
        if (!File.Exists(Path.Combine(folder, "model_index.json")))
            throw new MotiveFormatException(folder, "has no toy model (model_index.json is missing); train one with `motive train vae|unet --model-dir` or rebuild to copy models/toy");
        if (!File.Exists(raft)) throw new MotiveFormatException(raft, "is missing; train it with `motive train raft --out`");
        return new ToyModels(new EditModels(device), new ModelRef(dir is null ? null : Path.GetFullPath(dir)), Path.GetFullPath(raft));
    }

    public void Dispose() => Models.Dispose();
}
