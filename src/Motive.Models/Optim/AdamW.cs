using Motive.IO.Safetensors;
using Motive.IO.StateDicts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Motive.Models.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter; torch.optim.AdamW's defaults: β 0.9 / 0.999, ε 1e-8, decoupled weight decay) written
/// out here instead of TorchSharp's: its step passes numbers to libtorch as implicitly converted Scalars that only
/// the garbage collector frees, and a training run of the toy VAE died at step 1,452 of "Unknown scalar type" inside
/// that step's add_(ε). Every Scalar here is made once and disposed with the optimizer. The moments save to and load
/// from safetensors under the parameters' names.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly List<(string Name, Parameter P)> parameters;
    private readonly List<Tensor> m, v;
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;
    private readonly Scalar beta1 = Beta1, beta2 = Beta2, oneMinusBeta1 = 1 - Beta1, oneMinusBeta2 = 1 - Beta2, eps = Eps;
    private readonly double weightDecay;

    public AdamW(IEnumerable<(string Name, Parameter P)> parameters, double lr, double weightDecay)
    {
        this.parameters = parameters.ToList();
        LearningRate = lr;
        this.weightDecay = weightDecay;
        m = this.parameters.Select(p => zeros_like(p.P).DetachFromDisposeScope()).ToList();
        v = this.parameters.Select(p => zeros_like(p.P).DetachFromDisposeScope()).ToList();
    }

    /// <summary>The rate of the next <see cref="Step"/> (a schedule sets it step by step).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken (bias correction); restored by <see cref="Load"/>.</summary>
    public int Steps { get; private set; }

    public void ZeroGrad()
    {
        foreach (var (_, p) in parameters) p.grad?.zero_();
    }

    public void Step()
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        using var decay = (Scalar)(1 - LearningRate * weightDecay);
        using var stepSize = (Scalar)(-LearningRate / correction1);
        using var root = (Scalar)Math.Sqrt(correction2);
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].P;
            if (p.grad is not { } g) continue;
            using var scope = NewDisposeScope();
            p.mul_(decay);
            m[i].mul_(beta1).add_(g, alpha: oneMinusBeta1);
            v[i].mul_(beta2).addcmul_(g, g, value: oneMinusBeta2);
            var denom = v[i].sqrt().div_(root).add_(eps);
            p.addcdiv_(m[i], denom, value: stepSize);
        }
    }

    public void Save(string path)
    {
        var tensors = parameters.SelectMany((p, i) => new[] { KeyValuePair.Create("m." + p.Name, m[i]), KeyValuePair.Create("v." + p.Name, v[i]) }).ToList();
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["steps"] = Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    public void Load(string path)
    {
        using var sd = StateDict.Open(path);
        for (int i = 0; i < parameters.Count; i++)
        {
            using var _ = no_grad();
            using (var t = sd["m." + parameters[i].Name].Load(m[i].dtype, m[i].device)) m[i].copy_(t);
            using (var t = sd["v." + parameters[i].Name].Load(v[i].dtype, v[i].device)) v[i].copy_(t);
        }
        Steps = int.Parse(sd.Metadata["steps"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        foreach (var t in m.Concat(v)) t.Dispose();
        foreach (var s in new[] { beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps }) s.Dispose();
    }
}
