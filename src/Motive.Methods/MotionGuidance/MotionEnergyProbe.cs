using Motive.IO;
using Motive.IO.Flows;
using Motive.IO.Images;
using Motive.IO.Safetensors;
using Motive.Methods.Editing;
using Motive.Models.Raft;
using TorchSharp;

namespace Motive.Methods.MotionGuidance;

/// <summary>
/// `motive energy motion`: Motion Guidance's energy (<see cref="MotionEnergy"/>) evaluated once on a source, a
/// prediction and a target flow; its value, gradient w.r.t. the prediction, occlusion mask, terms and RAFT's flow
/// written to one .safetensors, for comparing with the reference's.
/// </summary>
public static class MotionEnergyProbe
{
    public static Tool Tool { get; } = new("motion",
        "Motion Guidance's energy (flow loss + occlusion-masked colour loss through RAFT, train-mode BatchNorm) and its gradient w.r.t. the prediction.",
        [
            Required(ToolOption.Text("--raft", "RAFT checkpoint (princeton layout).")),
            Required(ToolOption.Text("--source", "Source image (PNG/JPEG/BMP, or .safetensors 'image' [1,3,H,W] in [-1,1]).")),
            Required(ToolOption.Text("--pred", "The prediction to score, same forms as --source.")),
            Required(ToolOption.Text("--target-flow", "Target flow on the source grid (.flo, .npy, .safetensors, .pth).")),
            ToolOption.Number("--color-weight", "Weight of the colour loss.", 100),
            ToolOption.Number("--flow-weight", "Weight of the flow loss.", 3),
            ToolOption.Flag("--no-occlusion-masking", "Plain L1 colour loss."),
            ToolOption.Flag("--oracle-flow", "Warp with the target flow instead of RAFT's estimate in the colour loss."),
            ToolOption.Integer("--raft-iters", "RAFT's GRU iterations.", 5),
            Required(ToolOption.Text("--out", "Output .safetensors: loss, grad_pred, mask_occ, flow_loss, color_loss, flow.")),
        ],
        (a, o, _) => o.WriteLine(Write(a)));

    private static ToolOption Required(ToolOption o) => o with { Required = true };

    /// <summary>Evaluates and writes; the line that says what was written.</summary>
    private static string Write(ToolArgs a)
    {
        using var scope = torch.NewDisposeScope();
        var s = ImageInputs.Read(a.Text("--source")!, 2, -1);
        var p = ImageInputs.Read(a.Text("--pred")!, 2, -1);
        var flowPath = a.Text("--target-flow")!;
        var f = FlowFile.Read(flowPath).unsqueeze(0);
        if (!p.shape.SequenceEqual(s.shape)) throw new ArgumentException($"{a.Text("--pred")} is [{string.Join(",", p.shape)}], the source [{string.Join(",", s.shape)}]");
        if (f.shape[2] != s.shape[2] || f.shape[3] != s.shape[3])
            throw new MotiveFormatException(flowPath, $"flow is {f.shape[3]}x{f.shape[2]}, the images {s.shape[3]}x{s.shape[2]}");
        using var model = RaftLoader.Load(a.Text("--raft")!);
        var options = new MotionEnergyOptions(a.Number("--color-weight"), a.Number("--flow-weight"), !a.Flag("--no-occlusion-masking"), a.Flag("--oracle-flow"), a.Integer("--raft-iters"));
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
        var output = a.Text("--out")!;
        SafetensorsWriter.Write(output, tensors, new Dictionary<string, string> { ["motive.command"] = "energy motion" });
        return $"energy {value.Value.item<float>():g6} = {options.FlowWeight:g} × flow loss {value.Terms["flow_loss"].item<float>():g6} + {options.ColorWeight:g} × colour loss {value.Terms["color_loss"].item<float>():g6}; wrote {output}";
    }
}
