using System.CommandLine;
using Motive.Methods.Editing;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>--model, --config, --dtype, --device, --variant: how every command that runs Stable Diffusion loads it.</summary>
public sealed class ModelOptions
{
    public readonly Option<string?> Model = new("--model")
    {
        Description = "A diffusers model folder, or one .ckpt / .safetensors in the original layout (default: the embedded toy model).",
    };
    public readonly Option<string?> Config = new("--config") { Description = "A diffusers folder of the same family (configs and tokenizer) for single-file checkpoints." };
    public readonly Option<string> DType = new("--dtype") { Description = "fp32, fp16 or bf16.", DefaultValueFactory = _ => "fp32" };
    public readonly Option<string> Device = new("--device") { Description = "cpu or cuda (cuda:N).", DefaultValueFactory = _ => "cpu" };
    public readonly Option<string?> Variant = new("--variant") { Description = "diffusers weight variant, e.g. fp16 (diffusion_pytorch_model.fp16.safetensors)." };

    public void AddTo(Command c)
    {
        c.Add(Model);
        c.Add(Config);
        c.Add(DType);
        c.Add(Device);
        c.Add(Variant);
    }

    /// <summary>The model as an edit request names it: full paths (a run.json replays from anywhere), null = the embedded model.</summary>
    public ModelRef Ref(ParseResult r) =>
        new(Full(r.GetValue(Model)), Full(r.GetValue(Config)), r.GetValue(Variant), r.GetValue(DType)!);

    /// <summary>The model folder or file to load (the embedded model when --model is not given).</summary>
    public string PathOf(ParseResult r) => r.GetValue(Model) ?? EmbeddedModel.Dir;

    private static string? Full(string? path) => path is null ? null : Path.GetFullPath(path);

    public StableDiffusionModel Load(ParseResult r)
    {
        var dtype = EditModels.DTypeOption(r.GetValue(DType)!);
        var device = r.GetValue(Device)!;
        EditModels.CheckDevice(device);
        return StableDiffusionModel.Load(PathOf(r), new LoadOptions(dtype, device, r.GetValue(Config), r.GetValue(Variant)));
    }
}
