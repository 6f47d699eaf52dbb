using TorchSharp;

namespace Motive.IO.Images;

/// <summary>Images ↔ tensors [1,3,H,W]: [0,1] for pixels, [-1,1] as the VAE and RAFT energies take them.</summary>
public static class ImageTensors
{
    /// <summary>[1,3,H,W] float32 in [0,1].</summary>
    public static torch.Tensor ToTensor01(RgbImage image)
    {
        using var scope = torch.NewDisposeScope();
        var hwc = torch.tensor(image.Pixels, torch.uint8).reshape(image.Height, image.Width, 3);
        var t = hwc.permute(2, 0, 1).unsqueeze(0).to(torch.float32).div_(255f);
        return t.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>[1,3,H,W] float32 in [-1,1].</summary>
    public static torch.Tensor ToTensorPm1(RgbImage image)
    {
        using var t = ToTensor01(image);
        return t.mul(2f).sub_(1f);
    }

    /// <summary>From [1,3,H,W] or [3,H,W] in [0,1] (any device, any float type): clamped, ×255, rounded.</summary>
    public static RgbImage FromTensor01(torch.Tensor t)
    {
        using var scope = torch.NewDisposeScope();
        var x = t.dim() == 4 ? t[0] : t;
        if (x.dim() != 3 || x.shape[0] != 3) throw new ArgumentException($"expected an image tensor [1,3,H,W] or [3,H,W], got [{string.Join(",", t.shape)}]");
        var bytes = x.detach().to(torch.CPU).to(torch.float32).clamp(0f, 1f).mul(255f).round()
            .to(torch.uint8).permute(1, 2, 0).contiguous();
        return new RgbImage((int)x.shape[2], (int)x.shape[1], bytes.bytes.ToArray());
    }

    /// <summary>From [-1,1] values.</summary>
    public static RgbImage FromTensorPm1(torch.Tensor t)
    {
        using var x = t.add(1f).div_(2f);
        return FromTensor01(x);
    }
}
