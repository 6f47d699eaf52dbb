using Motive.Models.Blocks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Motive.Models.Raft;

/// <summary>Correlation and flow features for the GRU (large: 324→256→192 and 2→128→64, → 126 + flow).</summary>
public sealed class MotionEncoder : nn.Module
{
    private readonly Conv convc1, convf1, convf2, conv;
    private readonly Conv? convc2;

    public MotionEncoder(long corrPlanes, bool small) : base(nameof(MotionEncoder))
    {
        if (small)
        {
            convc1 = new Conv(corrPlanes, 96, 1);
            convf1 = new Conv(2, 64, 7, padding: 3);
            convf2 = new Conv(64, 32, 3, padding: 1);
            conv = new Conv(128, 80, 3, padding: 1);
        }
        else
        {
            convc1 = new Conv(corrPlanes, 256, 1);
            convc2 = new Conv(256, 192, 3, padding: 1);
            convf1 = new Conv(2, 128, 7, padding: 3);
            convf2 = new Conv(128, 64, 3, padding: 1);
            conv = new Conv(64 + 192, 128 - 2, 3, padding: 1);
        }
        RegisterComponents();
    }

    public Tensor Forward(Tensor flow, Tensor corr)
    {
        var cor = F.relu(convc1.forward(corr), inplace: true);
        if (convc2 is not null) cor = F.relu(convc2.forward(cor), inplace: true);
        var flo = F.relu(convf2.forward(F.relu(convf1.forward(flow), inplace: true)), inplace: true);
        var o = F.relu(conv.forward(cat([cor, flo], 1)), inplace: true);
        return cat([o, flow], 1);
    }
}

/// <summary>Convolutional GRU: separable 1×5 then 5×1 (large), or one 3×3 (small).</summary>
public sealed class RaftGru : nn.Module
{
    private readonly Conv? convz1, convr1, convq1, convz2, convr2, convq2, convz, convr, convq;

    public RaftGru(long hidden, long input, bool separable) : base(nameof(RaftGru))
    {
        long c = hidden + input;
        if (separable)
        {
            convz1 = new Conv(c, hidden, (1, 5), padding: (0, 2));
            convr1 = new Conv(c, hidden, (1, 5), padding: (0, 2));
            convq1 = new Conv(c, hidden, (1, 5), padding: (0, 2));
            convz2 = new Conv(c, hidden, (5, 1), padding: (2, 0));
            convr2 = new Conv(c, hidden, (5, 1), padding: (2, 0));
            convq2 = new Conv(c, hidden, (5, 1), padding: (2, 0));
        }
        else
        {
            convz = new Conv(c, hidden, 3, padding: 1);
            convr = new Conv(c, hidden, 3, padding: 1);
            convq = new Conv(c, hidden, 3, padding: 1);
        }
        RegisterComponents();
    }

    public Tensor Forward(Tensor h, Tensor x)
    {
        if (convz is not null) return Step(h, x, convz, convr!, convq!);
        h = Step(h, x, convz1!, convr1!, convq1!);
        return Step(h, x, convz2!, convr2!, convq2!);
    }

    private static Tensor Step(Tensor h, Tensor x, Conv cz, Conv cr, Conv cq)
    {
        var (zLogits, rLogits) = Conv.Stacked(cat([h, x], 1), cz, cr);
        var z = sigmoid(zLogits);
        var q = tanh(cq.forward(cat([sigmoid(rLogits) * h, x], 1)));
        return h + z * (q - h);   // (1 − z)·h + z·q, one operation fewer
    }
}

/// <summary>Two 3×3 convolutions predicting the flow update.</summary>
public sealed class FlowHead : nn.Module<Tensor, Tensor>
{
    private readonly Conv conv1, conv2;

    public FlowHead(long input, long hidden) : base(nameof(FlowHead))
    {
        conv1 = new Conv(input, hidden, 3, padding: 1);
        conv2 = new Conv(hidden, 2, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => conv2.forward(F.relu(conv1.forward(x), inplace: true));
}

/// <summary>Motion encoder → GRU → flow head (and, for the large model, the convex upsampling mask).</summary>
public sealed class UpdateBlock : nn.Module
{
    private readonly MotionEncoder encoder;
    private readonly RaftGru gru;
    private readonly FlowHead flow_head;
    private readonly Sequential? mask;

    public UpdateBlock(RaftConfig c) : base(nameof(UpdateBlock))
    {
        encoder = new MotionEncoder(c.CorrLevels * (2 * c.CorrRadius + 1) * (2 * c.CorrRadius + 1), c.Small);
        long motion = c.Small ? 82 : 128;
        gru = new RaftGru(c.HiddenDim, motion + c.ContextDim, separable: !c.Small);
        flow_head = new FlowHead(c.HiddenDim, c.Small ? 128 : 256);
        if (!c.Small) mask = nn.Sequential(new Conv(128, 256, 3, padding: 1), nn.ReLU(), new Conv(256, 64 * 9, 1));
        RegisterComponents();
    }

    /// <summary>One refinement; the upsampling mask only when <paramref name="withMask"/> (the reference makes it every iteration and uses the last).</summary>
    public (Tensor Net, Tensor? Mask, Tensor Delta) Forward(Tensor net, Tensor inp, Tensor corr, Tensor flow, bool withMask = true)
    {
        var motion = encoder.Forward(flow, corr);
        net = gru.Forward(net, cat([inp, motion], 1));
        var delta = flow_head.forward(net);
        // The reference scales the mask logits by 0.25 "to balance gradients".
        var m = mask is null || !withMask ? null : mask.forward(net) * 0.25;
        return (net, m, delta);
    }
}
