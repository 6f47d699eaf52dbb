using Motive.Models.Loading;
using static TorchSharp.torch;

namespace Motive.Sampling.Pipelines;

public static class Prompts
{
    /// <summary>The text encoder's last hidden state (1, 77, D) for a prompt, on the model's device and dtype.</summary>
    public static Tensor Encode(StableDiffusionModel model, string prompt)
    {
        using var _ = no_grad();
        using var ids = tensor(model.Tokenizer.Encode(prompt), dtype: int64, device: model.Device).unsqueeze(0);
        return model.TextEncoder.Forward(ids);
    }
}
