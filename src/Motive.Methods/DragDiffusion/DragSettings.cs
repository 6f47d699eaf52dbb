namespace Motive.Methods.DragDiffusion;

/// <summary>
/// Every number of a DragDiffusion run (resolved; <see cref="DragOptions"/> is the request's optional form). The
/// reference's values (utils/ui_utils.run_drag, drag_ui.py) are <see cref="DragOptions.Reference"/>.
/// </summary>
public sealed record DragSettings
{
    /// <summary>DDIM steps of the schedule (50).</summary>
    public int Steps { get; init; } = 50;
    /// <summary>Steps inverted and then denoised: round(strength·steps) (0.7 → 35, t = 681).</summary>
    public int InvertedSteps { get; init; } = 35;
    /// <summary>Decoder features supervised: 0 = mid block, 1–4 = up_blocks.0–3 (3).</summary>
    public int[] FeatureIndices { get; init; } = [3];
    /// <summary>Motion-supervision patch radius r_m, grid cells (1).</summary>
    public int MotionRadius { get; init; } = 1;
    /// <summary>Point-tracking search radius r_p, grid cells (3).</summary>
    public int TrackRadius { get; init; } = 3;
    /// <summary>Weight λ of the "unchanged outside the mask" term (0.1).</summary>
    public double Lambda { get; init; } = 0.1;
    /// <summary>Adam's learning rate on the latent (0.01).</summary>
    public double LatentLearningRate { get; init; } = 0.01;
    /// <summary>At most this many drag iterations (80).</summary>
    public int MaxIterations { get; init; } = 80;
    /// <summary>Classifier-free guidance of the final denoising (1 for real images).</summary>
    public double Cfg { get; init; } = 1.0;
    /// <summary>Mutual self-attention from this denoising pass (0) and transformer block (10 of SD's 16).</summary>
    public int StartStep { get; init; }
    public int StartLayer { get; init; } = 10;
    public LoraSettings Lora { get; init; } = new();
}

/// <summary>
/// The per-image LoRA (utils/lora_utils.train_lora): rank, steps, AdamW's rate and weight decay, batch (copies of
/// the image, each its own random crop), the training resolution (null = the model's native size) and the seed.
/// </summary>
public sealed record LoraSettings
{
    public int Rank { get; init; } = 16;
    public int Steps { get; init; } = 80;
    public double LearningRate { get; init; } = 5e-4;
    public double WeightDecay { get; init; } = 1e-2;
    public int Batch { get; init; } = 4;
    /// <summary>
    /// Copies per forward and backward pass (gradients accumulated over the batch: the same gradient, memory for fewer at a
    /// time, slower on a CPU); null = the whole batch unless that needs over 2 GiB of activations (<see cref="DragMemory"/>), then 1.
    /// </summary>
    public int? MicroBatch { get; init; }
    public int? Resolution { get; init; }
    public long Seed { get; init; }
}
