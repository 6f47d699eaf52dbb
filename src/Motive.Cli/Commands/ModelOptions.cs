using System.CommandLine;
using Motive.ToyWorld;
using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Cli.Commands;

/// <summary>--model, --config, --dtype, --device, --variant: how every command that runs Stable Diffusion loads it.</summary>
public sealed class ModelOptions
{
    public readonly Option<string> Model = new("--model")
    {
        Description = "A diffusers model folder, or one .ckpt / .safetensors in the original layout (default: the embedded toy model).",
        DefaultValueFactory = _ => ToyModels.DefaultDir,
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

    /// <summary>The --dtype spelling of every command: fp32, fp16, bf16 (or their long names).</summary>
    public static ScalarType ParseDType(string name) => name switch
    {
        "fp32" or "float32" => ScalarType.Float32,
        "fp16" or "float16" => ScalarType.Float16,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"--dtype must be fp32, fp16 or bf16, not '{name}'"),
    };

    public StableDiffusionModel Load(ParseResult r)
    {
        var dtype = ParseDType(r.GetValue(DType)!);
        var device = r.GetValue(Device)!;
        if (!device.StartsWith("cpu", StringComparison.Ordinal) && !device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"--device must be cpu or cuda, not '{device}'");
        if (device.StartsWith("cuda", StringComparison.Ordinal) && !TorchSharp.torch.cuda.is_available())
            throw new ArgumentException("--device cuda: no CUDA device is available here");
        return StableDiffusionModel.Load(r.GetValue(Model)!, new LoadOptions(dtype, device, r.GetValue(Config), r.GetValue(Variant)));
    }
}
