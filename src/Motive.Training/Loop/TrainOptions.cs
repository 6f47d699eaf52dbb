namespace Motive.Training.Loop;

/// <summary>
/// How to train: <see cref="Steps"/> in total (a resumed run continues to it), batch size, AdamW's learning rate and
/// weight decay, an exponential moving average of the weights (0 = none; the UNet uses 0.999), the gradient-norm clip
/// (0 = none; RAFT's recipe uses 1), how often to write a checkpoint, the data seed and the device.
/// </summary>
public sealed record TrainOptions(int Steps, int Batch, double LearningRate, double WeightDecay = 0.01, double EmaDecay = 0,
    int CheckpointEvery = 200, long Seed = 0, string Device = "cpu", double GradientClip = 0);
