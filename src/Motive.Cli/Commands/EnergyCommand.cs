using System.CommandLine;
using Motive.Methods.MotionGuidance;
using Motive.IO;
using Motive.IO.Flows;
using Motive.IO.Safetensors;
using Motive.Models.Raft;
using TorchSharp;

namespace Motive.Cli.Commands;

/// <summary>`motive energy motion`: evaluate the Motion Guidance energy once and write its value, gradient and mask.</summary>
public static class EnergyCommand
{
    public static Command Create()
    {
        var raft = new Option<string>("--raft") { Description = "RAFT checkpoint (princeton layout).", Required = true };
        var source = new Option<string>("--source") { Description = "Source image (PNG/JPEG/BMP, or .safetensors 'image' [1,3,H,W] in [-1,1]).", Required = true };
        var pred = new Option<string>("--pred") { Description = "The prediction to score, same forms as --source.", Required = true };
        var flow = new Option<string>("--target-flow") { Description = "Target flow on the source grid (.flo, .npy, .safetensors, .pth).", Required = true };
        var color = new Option<double>("--color-weight") { DefaultValueFactory = _ => 100 };
        var flowWeight = new Option<double>("--flow-weight") { DefaultValueFactory = _ => 3 };
        var noOcc = new Option<bool>("--no-occlusion-masking") { Description = "Plain L1 colour loss." };
        var oracle = new Option<bool>("--oracle-flow") { Description = "Warp with the target flow instead of RAFT's estimate in the colour loss." };
        var iters = new Option<int>("--raft-iters") { DefaultValueFactory = _ => 5 };
        var output = new Option<string>("--out") { Description = "Output .safetensors: loss, grad_pred, mask_occ, flow_loss, color_loss, flow.", Required = true };
        var motion = new Command("motion", "Motion Guidance's energy (flow loss + occlusion-masked colour loss through RAFT, train-mode BatchNorm) and its gradient w.r.t. the prediction.")
            { raft, source, pred, flow, color, flowWeight, noOcc, oracle, iters, output };
        motion.SetAction(r =>
        {
            using var scope = torch.NewDisposeScope();
            var s = ImageInputs.Read(r.GetValue(source)!, 2, -1);
            var p = ImageInputs.Read(r.GetValue(pred)!, 2, -1);
            var flowPath = r.GetValue(flow)!;
            var f = FlowFile.Read(flowPath).unsqueeze(0);
            if (!p.shape.SequenceEqual(s.shape)) throw new ArgumentException($"{r.GetValue(pred)} is [{string.Join(",", p.shape)}], the source [{string.Join(",", s.shape)}]");
            if (f.shape[2] != s.shape[2] || f.shape[3] != s.shape[3])
                throw new MotiveFormatException(flowPath, $"flow is {f.shape[3]}x{f.shape[2]}, the images {s.shape[3]}x{s.shape[2]}");
            using var model = RaftLoader.Load(r.GetValue(raft)!);
            var options = new MotionEnergyOptions(r.GetValue(color), r.GetValue(flowWeight), !r.GetValue(noOcc), r.GetValue(oracle), r.GetValue(iters));
            using var energy = new MotionEnergy(model, s, f, options);
            var leaf = p.requires_grad_(true);
            var value = energy.Evaluate(leaf);
            var grad = torch.autograd.grad([value.Value], [leaf])[0];
            var tensors = new List<KeyValuePair<string, torch.Tensor>>
            {
                new("loss", value.Value.detach().reshape(1)),
                new("grad_pred", grad),
                new("mask_occ", energy.OcclusionMask ?? torch.ones(1, 1, s.shape[2], s.shape[3])),
                new("flow_loss", value.Terms["flow_loss"].reshape(1)),
                new("color_loss", value.Terms["color_loss"].reshape(1)),
                new("flow", value.Artifacts!["flow"]),
            };
            SafetensorsWriter.Write(r.GetValue(output)!, tensors, new Dictionary<string, string> { ["motive.command"] = "energy motion" });
            r.InvocationConfiguration.Output.WriteLine(
                $"energy {value.Value.item<float>():g6} = {options.FlowWeight:g} × flow loss {value.Terms["flow_loss"].item<float>():g6} + {options.ColorWeight:g} × colour loss {value.Terms["color_loss"].item<float>():g6}; wrote {r.GetValue(output)}");
            return CliApp.Ok;
        });
        var cmd = new Command("energy", "Evaluate a guidance energy once, for inspection.");
        cmd.Add(motion);
        return cmd;
    }
}
