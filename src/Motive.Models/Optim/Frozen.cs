using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Optim;

/// <summary>
/// A network's weights frozen while only some tensors are optimised (a LoRA's adapters, DragDiffusion's latent): autograd
/// then neither computes nor keeps a gradient for them, which for SD 1.5's UNet is 3.4 GB of float32 and most of the
/// backward's work (and without it every call would add to those gradients, on a shared model). Disposing puts every
/// parameter's requires_grad back, so the model is left as found.
/// </summary>
public sealed class Frozen : IDisposable
{
    private readonly List<(Parameter P, bool RequiresGrad)> saved;

    private Frozen(nn.Module module, IEnumerable<Parameter> trainable)
    {
        var keep = trainable.Select(p => p.Handle).ToHashSet();
        saved = module.parameters().Select(p => (p, p.requires_grad)).ToList();
        foreach (var (p, _) in saved) p.requires_grad = keep.Contains(p.Handle);
    }

    /// <summary>Freezes every parameter of <paramref name="module"/> but <paramref name="trainable"/>.</summary>
    public static Frozen AllBut(nn.Module module, IEnumerable<Parameter>? trainable = null) => new(module, trainable ?? []);

    public void Dispose()
    {
        foreach (var (p, requiresGrad) in saved) p.requires_grad = requiresGrad;
    }
}
