using Motive.IO;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Models.Flow;
using static TorchSharp.torch;

namespace Motive.Methods.Editing;

/// <summary>
/// The target flow of an edit that moves things (Motion Guidance, warp-then-inpaint): a file in the input's pixels
/// ((1,2,H,W) .pth, .flo, .npy, .safetensors), or strokes (<see cref="MotionSpec"/>). Exactly one of the two.
/// </summary>
public sealed record TargetMotion(string? Flow = null, MotionSpec? Draw = null)
{
    public void Validate()
    {
        if (Flow is not null && Draw is not null) throw new ArgumentException("the motion is either a flow file or strokes, not both");
        if (Flow is null && Draw is null)
            throw new ArgumentException("say where things move: a target flow file, or strokes (translate DX,DY, rotate DEG, scale F, stretch F,ANGLE, drag X1,Y1:X2,Y2)");
        Draw?.Validate();
    }

    /// <summary>
    /// The flow (2,H,W) at the run size of <paramref name="sizing"/>: the strokes drawn on the input's grid (click
    /// regions on <paramref name="picture"/>, mask regions read through <paramref name="inputs"/>), or the file read
    /// (finite values, checked by <see cref="FlowFile"/>) at either the input's or the run's size; then resized with the
    /// picture. <paramref name="flowPath"/> finds the file when a method keeps flows elsewhere (an example folder's flows/).
    /// </summary>
    public Tensor Read(InputSizing sizing, RgbImage? picture, IEditInputs inputs, Func<string, string>? flowPath = null)
    {
        if (Draw is { } draw)
        {
            using var drawn = draw.Build(sizing.Height, sizing.Width, picture is null ? null : () => picture, name => ImageReader.Read(inputs.Resolve(name, InputKind.Mask)));
            return sizing.Flow(drawn);
        }
        var path = flowPath is null ? inputs.Resolve(Flow!, InputKind.Flow) : flowPath(Flow!);
        using var flow = FlowFile.Read(path);
        long fh = flow.shape[1], fw = flow.shape[2];
        if (fw == sizing.Width && fh == sizing.Height) return sizing.Flow(flow);
        if (fw == sizing.TargetWidth && fh == sizing.TargetHeight) return flow.clone();
        throw new FlowFormatException(path, $"the flow is {fw}x{fh}, the image {sizing.Width}x{sizing.Height}{(sizing.Resizes ? $" (run at {sizing.TargetWidth}x{sizing.TargetHeight})" : "")}");
    }
}
