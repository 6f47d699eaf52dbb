using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Blocks;

/// <summary>
/// Normalisation layers with their affine parameters set to the identity (weight 1, bias 0). TorchSharp 0.107's
/// GroupNorm leaves them uninitialised (found when a freshly built VAE gave NaN before any training step); loaded
/// checkpoints overwrite them anyway, but a model trained from scratch starts here.
/// </summary>
public static class Norms
{
    public static GroupNorm Group(long groups, long channels, double eps)
    {
        var norm = nn.GroupNorm(groups, channels, eps);
        using var _ = no_grad();
        norm.weight!.fill_(1);
        norm.bias!.fill_(0);
        return norm;
    }
}
