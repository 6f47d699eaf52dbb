using System.CommandLine;
using Motive.Methods.Editing;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.Models.Flow;
using Motive.Models.Raft;

namespace Motive.Cli.Commands;

/// <summary>`motive flow ...`: optical-flow tools: estimate (RAFT), make (builders), show (colour wheel).</summary>
public static class FlowCommand
{
    public static Command Create()
    {
        var flow = new Command("flow", "Optical-flow tools.");
        var file = new Argument<string>("flow") { Description = "A flow file: .flo, .npy, .safetensors (key 'flow') or .pth." };
        var over = new Option<string?>("--over") { Description = "Blend the colours over this image (same size as the flow)." };
        var max = new Option<double?>("--max") { Description = "Magnitude (px) shown fully saturated (default: the flow's largest)." };
        var arrows = new Option<int?>("--arrows") { Description = "Also draw an arrow every N pixels (from p to p + flow(p)).", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "Output PNG.", Required = true };
        var show = new Command("show", "Draw a flow with the Middlebury colour wheel (hue = direction, saturation = magnitude).") { file, over, max, arrows, output };
        show.SetAction(r =>
        {
            var path = r.GetValue(file)!;
            using var f = FlowFile.Read(path);
            var image = FlowColors.ToImage(f, r.GetValue(max));
            if (r.GetValue(over) is { } under) image = FlowColors.Over(image, ImageReader.Read(under));
            if (r.GetResult(arrows) is { } given) image = FlowArrows.Draw(image, f, given.GetValueOrDefault<int?>() ?? 16);
            PngWriter.Write(r.GetValue(output)!, image, new Dictionary<string, string> { ["motive.command"] = "flow show", ["motive.flow"] = path });
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            return CliApp.Ok;
        });
        flow.Add(show);
        flow.Add(MakeCommand());
        flow.Add(EstimateCommand());
        return flow;
    }

    private static Command EstimateCommand()
    {
        var raft = new Option<string>("--raft") { Description = "RAFT checkpoint (princeton layout: raft-things.pth, raft-small.pth, ...).", Required = true };
        var small = new Option<bool>("--small") { Description = "Insist that the checkpoint is RAFT-small." };
        var iters = new Option<int>("--iters") { DefaultValueFactory = _ => 12, Description = "GRU iterations." };
        var img1 = new Argument<string>("image1") { Description = "First image (PNG/JPEG/BMP, or .safetensors with 'image' [1,3,H,W] in [0,1])." };
        var img2 = new Argument<string>("image2") { Description = "Second image, same size." };
        var output = new Option<string>("--out") { Description = "Flow file by extension (.flo, .npy, .safetensors, .pth), or .png for its colour-wheel picture.", Required = true };
        var cmd = new Command("estimate", "Estimate the optical flow from image1 to image2 with RAFT.") { raft, small, iters, img1, img2, output };
        cmd.SetAction(r =>
        {
            using var model = RaftLoader.Load(r.GetValue(raft)!, r.GetValue(small) ? true : null);
            using var scope = TorchSharp.torch.NewDisposeScope();
            using var noGrad = TorchSharp.torch.no_grad();
            var a = ReadImage255(r.GetValue(img1)!);
            var b = ReadImage255(r.GetValue(img2)!);
            if (!a.shape.SequenceEqual(b.shape))
                throw new ArgumentException($"the images differ in size: [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
            var pad = new RaftPadding(a.shape[2], a.shape[3]);
            var (_, up) = model.Forward(pad.Pad(a), pad.Pad(b), r.GetValue(iters));
            var flow = pad.Unpad(up)[0].contiguous();
            var path = r.GetValue(output)!;
            if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                PngWriter.Write(path, FlowColors.ToImage(flow), new Dictionary<string, string> { ["motive.command"] = "flow estimate" });
            else
                FlowFile.Write(path, flow);
            r.InvocationConfiguration.Output.WriteLine($"wrote {path}");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>[1,3,H,W] in 0..255, as RAFT takes images (a .safetensors 'image' is in [0,1]).</summary>
    private static TorchSharp.torch.Tensor ReadImage255(string path)
    {
        using var x = ImageInputs.Read(path);
        return x * 255;
    }

    private static Command MakeCommand()
    {
        var size = new Option<string>("--size") { Description = "WxH of the image the flow is for.", Required = true };
        var strokes = new FlowBuilderOptions();
        var image = new Option<string?>("--image") { Description = "The source image, for --region click:X,Y." };
        var output = new Option<string>("--out") { Description = "Flow file (.flo, .npy, .safetensors, .pth = Motion Guidance's (1,2,H,W)).", Required = true };
        var editMask = new Option<string?>("--edit-mask") { Description = "Also write the latent edit region as PNG (white = free to change); a .pth gets Motion Guidance's mask (True = keep)." };
        var margin = new Option<int>("--margin") { DefaultValueFactory = _ => 1, Description = "Dilation of the edit region in latent cells." };
        var make = new Command("make", "Build a target flow from simple strokes, restricted to a region.") { size, image, output, editMask, margin };
        strokes.AddTo(make);
        make.SetAction(r =>
        {
            var (w, h) = FlowBuilderOptions.Pair(r.GetValue(size)!, "--size", 'x');
            EditLimits.CheckSize("--size", (long)Math.Min(w, long.MaxValue), (long)Math.Min(h, long.MaxValue));
            using var flow = strokes.Build(r, (long)h, (long)w, r.GetValue(image) is { } img ? () => ImageReader.Read(img) : null);
            FlowFile.Write(r.GetValue(output)!, flow);
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            if (r.GetValue(editMask) is { } em)
            {
                using var cells = EditMask.Region(flow, margin: r.GetValue(margin));
                EditMaskFiles.Write(em, cells);
                r.InvocationConfiguration.Output.WriteLine($"wrote {em}");
            }
            return CliApp.Ok;
        });
        return make;
    }
}
