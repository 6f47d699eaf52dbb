using static TorchSharp.torch;

namespace Motive.Models.Runtime;

/// <summary>
/// Gradient checkpointing of a chain of segments y = f_n(…f_1(x)) for a vector–Jacobian product with respect to x
/// only (the weights need no gradient, as in guidance): the forward runs without a graph and keeps each segment's
/// input; <see cref="Backward"/> re-runs one segment at a time with a graph and pulls the gradient through it. The
/// peak is the inputs plus one segment's graph instead of the whole chain's, for one extra forward of the chain.
/// </summary>
public sealed class CheckpointedChain : IDisposable
{
    private readonly IReadOnlyList<Func<Tensor, Tensor>> segments;
    private readonly List<Tensor> inputs = [];

    private CheckpointedChain(IReadOnlyList<Func<Tensor, Tensor>> segments) => this.segments = segments;

    /// <summary>Runs the chain on <paramref name="x"/> without a graph; the output is detached (make it a leaf for what follows).</summary>
    public static (Tensor Output, CheckpointedChain Chain) Forward(IReadOnlyList<Func<Tensor, Tensor>> segments, Tensor x)
    {
        if (segments.Count == 0) throw new ArgumentException("a checkpointed chain needs at least one segment");
        var chain = new CheckpointedChain(segments);
        using var _ = no_grad();
        var h = x.detach();
        foreach (var segment in segments)
        {
            chain.inputs.Add(h.DetachFromDisposeScope());
            // A segment's own intermediates go with its scope: only its output lives on.
            using var scope = NewDisposeScope();
            h = segment(h).MoveToOuterDisposeScope();
        }
        return (h, chain);
    }

    /// <summary>
    /// ∂(output · <paramref name="gradOutput"/>)/∂x: the gradient at the output carried back to the chain's input.
    /// Once: each segment's kept input is freed as soon as the gradient has passed it.
    /// </summary>
    public Tensor Backward(Tensor gradOutput)
    {
        if (inputs.Count != segments.Count) throw new InvalidOperationException("a checkpointed chain is carried back once");
        using var _ = enable_grad();
        var g = gradOutput;
        for (int k = segments.Count - 1; k >= 0; k--)
        {
            Tensor next;
            using (var scope = NewDisposeScope())
            {
                var x = inputs[k].detach().requires_grad_(true);
                var y = segments[k](x);
                next = autograd.grad([y], [x], [g])[0].MoveToOuterDisposeScope();
            }
            if (!ReferenceEquals(g, gradOutput)) g.Dispose();
            g = next;
            inputs[k].Dispose();
            inputs.RemoveAt(k);
        }
        return g;
    }

    public void Dispose()
    {
        foreach (var t in inputs) t.Dispose();
        inputs.Clear();
    }
}
