using System.CommandLine;
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
        var translate = new Option<string?>("--translate") { Description = "DX,DY in pixels." };
        var rotate = new Option<double?>("--rotate") { Description = "Degrees, clockwise on screen, about --center." };
        var scale = new Option<double?>("--scale") { Description = "Factor about --center." };
        var stretch = new Option<string?>("--stretch") { Description = "FACTOR,ANGLE: 1-D stretch (>1) or squeeze (<1) along ANGLE degrees, about --center." };
        var drag = new Option<string[]>("--drag") { Description = "X1,Y1:X2,Y2 handle→target pairs (repeatable).", AllowMultipleArgumentsPerToken = true };
        var sigma = new Option<double>("--sigma") { DefaultValueFactory = _ => 16.0, Description = "Falloff (px) of --drag." };
        var center = new Option<string?>("--center") { Description = "X,Y (default: the region's centre)." };
        var region = new Option<string?>("--region") { Description = "X,Y,W,H (rectangle) | ellipse:CX,CY,RX,RY | click:X,Y (with --image) | a mask image (default: everywhere)." };
        var image = new Option<string?>("--image") { Description = "The source image, for --region click:X,Y." };
        var tolerance = new Option<int>("--tolerance") { DefaultValueFactory = _ => 32, Description = "Colour tolerance of click regions (0..255)." };
        var output = new Option<string>("--out") { Description = "Flow file (.flo, .npy, .safetensors, .pth = Motion Guidance's (1,2,H,W)).", Required = true };
        var editMask = new Option<string?>("--edit-mask") { Description = "Also write the latent edit region as PNG (white = free to change); a .pth gets Motion Guidance's mask (True = keep)." };
        var margin = new Option<int>("--margin") { DefaultValueFactory = _ => 1, Description = "Dilation of the edit region in latent cells." };
        var make = new Command("make", "Build a target flow from simple strokes, restricted to a region.")
            { size, translate, rotate, scale, stretch, drag, sigma, center, region, image, tolerance, output, editMask, margin };
        make.SetAction(r =>
        {
            var (w, h) = Pair(r.GetValue(size)!, "--size", 'x');
            using var mask = ParseRegion(r.GetValue(region), (long)h, (long)w, r.GetValue(image), r.GetValue(tolerance));
            var (cx, cy) = r.GetValue(center) is { } c ? Pair(c, "--center") : Centre(mask);
            var fields = new List<TorchSharp.torch.Tensor>();
            if (r.GetValue(translate) is { } t) { var (dx, dy) = Pair(t, "--translate"); fields.Add(FlowFields.Translate((long)h, (long)w, dx, dy)); }
            if (r.GetValue(rotate) is { } deg) fields.Add(FlowFields.Rotate((long)h, (long)w, deg, cx, cy));
            if (r.GetValue(scale) is { } f) fields.Add(FlowFields.Scale((long)h, (long)w, f, cx, cy));
            if (r.GetValue(stretch) is { } st) { var (fac, ang) = Pair(st, "--stretch"); fields.Add(FlowFields.Stretch((long)h, (long)w, fac, ang, cx, cy)); }
            if (r.GetValue(drag) is { Length: > 0 } pairs)
                fields.Add(FlowFields.Drag((long)h, (long)w, pairs.Select(ParseDrag).ToList(), r.GetValue(sigma)));
            if (fields.Count == 0) throw new ArgumentException("say what moves: --translate, --rotate, --scale, --stretch or --drag");
            using var flow = FlowFields.Restrict(FlowFields.Compose(fields), mask);
            FlowFile.Write(r.GetValue(output)!, flow);
            r.InvocationConfiguration.Output.WriteLine($"wrote {r.GetValue(output)}");
            if (r.GetValue(editMask) is { } em)
            {
                using var cells = EditMask.Region(flow, margin: r.GetValue(margin));
                if (em.EndsWith(".pth", StringComparison.OrdinalIgnoreCase))
                    using (var mg = EditMask.ToMotionGuidanceMask(cells)) Motive.IO.Checkpoints.TorchSaveWriter.WriteTensor(em, mg);
                else
                    using (var img = cells.to(TorchSharp.torch.float32).unsqueeze(0).expand(3, -1, -1)) PngWriter.Write(em, ImageTensors.FromTensor01(img));
                r.InvocationConfiguration.Output.WriteLine($"wrote {em}");
            }
            return CliApp.Ok;
        });
        return make;
    }

    private static TorchSharp.torch.Tensor ParseRegion(string? spec, long h, long w, string? image, int tolerance)
    {
        if (spec is null) return Regions.Everywhere(h, w);
        if (spec.StartsWith("ellipse:", StringComparison.Ordinal))
        {
            var v = Numbers(spec[8..], 4, "--region ellipse:CX,CY,RX,RY");
            return Regions.Ellipse(h, w, v[0], v[1], v[2], v[3]);
        }
        if (spec.StartsWith("click:", StringComparison.Ordinal))
        {
            if (image is null) throw new ArgumentException("--region click:X,Y needs --image");
            var img = ImageReader.Read(image);
            if (img.Width != w || img.Height != h) throw new ArgumentException($"{image} is {img.Width}x{img.Height}, --size says {w}x{h}");
            var (x, y) = Pair(spec[6..], "--region click");
            return Regions.AroundClick(img, (int)x, (int)y, tolerance);
        }
        if (File.Exists(spec))
        {
            var m = ImageReader.Read(spec);
            if (m.Width != w || m.Height != h) throw new ArgumentException($"{spec} is {m.Width}x{m.Height}, --size says {w}x{h}");
            return Regions.FromImage(m);
        }
        var r = Numbers(spec, 4, "--region X,Y,W,H (or ellipse:…, click:…, a mask image)");
        return Regions.Rect(h, w, (long)r[0], (long)r[1], (long)r[2], (long)r[3]);
    }

    private static (double, double) Centre(TorchSharp.torch.Tensor mask)
    {
        using var idx = mask.nonzero();
        if (idx.shape[0] == 0) throw new ArgumentException("the region is empty");
        using var mean = idx.to(TorchSharp.torch.float32).mean([0]);
        return (mean[1].item<float>(), mean[0].item<float>());
    }

    private static (double X1, double Y1, double X2, double Y2) ParseDrag(string s)
    {
        var parts = s.Split(':');
        if (parts.Length != 2) throw new ArgumentException($"--drag '{s}' should be X1,Y1:X2,Y2");
        var (x1, y1) = Pair(parts[0], "--drag");
        var (x2, y2) = Pair(parts[1], "--drag");
        return (x1, y1, x2, y2);
    }

    private static (double, double) Pair(string s, string what, char sep = ',')
    {
        var v = Numbers(s, 2, what, sep);
        return (v[0], v[1]);
    }

    private static double[] Numbers(string s, int n, string what, char sep = ',')
    {
        var parts = s.Split(sep);
        var v = new double[parts.Length];
        if (parts.Length != n || !parts.Select((p, i) => double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out v[i])).All(ok => ok))
            throw new ArgumentException($"{what}: cannot read '{s}' as {n} numbers separated by '{sep}'");
        return v;
    }
}
