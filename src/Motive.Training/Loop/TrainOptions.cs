namespace Motive.Training.Loop;

/// <summary>
/// How to train: <see cref="Steps"/> in total (a resumed run continues to it), batch size, AdamW's learning rate and
/// weight decay, an exponential moving average of the weights (0 = none; the UNet uses 0.999), the gradient-norm clip
/// (0 = none; RAFT's recipe uses 1), how often to write a checkpoint, the data seed, the device, and how many of the
/// last steps the learning rate falls over (0 = constant).
/// </summary>
public sealed record TrainOptions(int Steps, int Batch, double LearningRate, double WeightDecay = 0.01, double EmaDecay = 0,
    int CheckpointEvery = 200, long Seed = 0, string Device = "cpu", double GradientClip = 0, int DecaySteps = 0)
{
    /// <summary>Where the loop says what a person should know (e.g. that a resumed run restarts its moments).</summary>
    public Action<string>? OnNote { get; init; }

    /// <summary>
    /// The learning rate of step <paramref name="step"/> (0-based): constant, then linearly down towards zero over the
    /// last <see cref="DecaySteps"/> steps. Counted from the end, so a resumed run given a larger --steps and a decay
    /// anneals the weights it has instead of starting a schedule over.
    /// </summary>
    public double LearningRateAt(int step) =>
        DecaySteps <= 0 ? LearningRate : LearningRate * Math.Clamp((double)(Steps - step) / DecaySteps, 0, 1);
}
