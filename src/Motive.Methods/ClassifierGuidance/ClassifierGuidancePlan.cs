using Motive.Guidance.Sampler;
using Motive.IO.Images;
using Motive.Methods.Editing;

namespace Motive.Methods.ClassifierGuidance;

/// <summary>
/// A validated classifier-guided sampling: the resolved request and settings, the classifier (opened at plan time,
/// owned by the plan), the target's index among its classes, the picture side (the model's own size). Runs the
/// samples one after another, seed, seed + 1, …
/// </summary>
public sealed class ClassifierGuidancePlan(ClassifierGuidanceRequest request, ModelRef model, PictureClassifier classifier, int target,
    ClassifierGuidanceSettings settings, int size) : IEditPlan
{
    public ClassifierGuidanceRequest Request { get; } = request;
    EditRequest IEditPlan.Request => Request;
    /// <summary>The model with its paths resolved to files on this machine.</summary>
    public ModelRef Model { get; } = model;
    public PictureClassifier Classifier { get; } = classifier;
    public int Target { get; } = target;
    public ClassifierGuidanceSettings Settings { get; } = settings;
    /// <summary>The pictures' side in pixels.</summary>
    public int Size { get; } = size;

    public IReadOnlyList<string> Notes => Memory is { } m ? [m.Note] : [];

    private Lazy<MemoryEstimate?>? memory;

    /// <summary>Estimated once (it reads the model files' headers).</summary>
    public MemoryEstimate? Memory => (memory ??= new(() => ModelSize.Of(Model) is { } s
        ? new MemoryEstimate(ClassifierGuidanceMemory.EstimateMiB(s.Parameters, s.Width, s.Bytes, Size, Settings),
            $"the weights at {Model.Dtype} and a guided evaluation's graphs (UNet, decoder, classifier)")
        : null)).Value;

    public EditResult Run(EditSession session)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = session.Models.Diffusion(Model);
        using var trace = new GuidanceTrace();
        var samples = new List<GuidedSample>();
        try
        {
            int n = Settings.Samples, steps = Settings.Steps;
            for (int k = 0; k < n; k++)
            {
                int done = k;
                Action<GuidedEvaluation> preview = ev =>
                {
                    if (ev.Recursion == 0 && ev.Decoded is { } x) session.Preview("guide", done * steps + ev.Step, n * steps, () => ImageTensors.FromTensorPm1(x));
                };
                samples.Add(ClassifierGuidanceRun.Sample(model, Classifier, Target, Request.Prompt, Settings, Size, Request.Seed + k, trace,
                    onEvaluation: preview, onStep: (d, _) => session.Report("guide", done * steps + d, n * steps), cancel: session.Cancel));
            }
            var result = ClassifierGuidanceOutputs.Build(this, samples, trace);
            result.Elapsed = clock.Elapsed;
            return result;
        }
        finally
        {
            foreach (var s in samples) s.Dispose();
        }
    }

    public void Dispose() => Classifier.Dispose();
}
