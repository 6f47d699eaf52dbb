using Motive.IO.Json;
using Motive.Models.Loading;
using Motive.Models.Raft;
using Motive.ToyWorld.Training;

namespace Motive.ToyWorld.Evaluation;

/// <summary>
/// `motive train evaluate` in the library: the toy models' quality numbers on held-out scenes (what models/toy/README.md
/// records), each part's lines for the console and its record for training/evaluation.json.
/// </summary>
public static class ToyModelReport
{
    public const string EvaluationFile = "evaluation.json";

    /// <summary>Caption samples of held-out scenes judged: every check, the shares, and the line that says them.</summary>
    public sealed record CaptionNumbers(List<CaptionCheck> Checks, double Correct, double Colours, double Shapes, string Line);

    /// <summary>The VAE's numbers: reconstruction PSNR, the caption correctness of its reconstructions (what samples can reach), the lines that say them.</summary>
    public sealed record VaeNumbers(double Psnr, double CaptionCorrect, IReadOnlyList<string> Lines);

    /// <summary>The RAFT's numbers: the lines that say them and the record for evaluation.json.</summary>
    public sealed record RaftNumbers(IReadOnlyList<string> Lines, object Json);

    /// <summary>The VAE's reconstructions of <paramref name="count"/> held-out scenes, measured and judged.</summary>
    public static VaeNumbers Vae(Motive.Models.Vae.AutoencoderKL vae, int count)
    {
        var (psnr, checks) = ToyEvaluation.Reconstructions(vae, count);
        double correct = checks.Count(x => x.Correct) / (double)count;
        return new VaeNumbers(psnr, correct,
        [
            $"VAE reconstruction PSNR: {psnr:0.00} dB (mean of {count} held-out scenes)",
            $"caption correctness of the VAE reconstructions themselves (what samples can reach): {correct:P0}",
        ]);
    }

    /// <summary>Caption samples of held-out scenes <paramref name="first"/>.. judged (<see cref="ToyEvaluation.Captions"/>).</summary>
    public static CaptionNumbers Captions(StableDiffusionModel model, int count, int first, int steps, double cfg, Action<int>? onSample = null, CancellationToken cancel = default)
    {
        var checks = ToyEvaluation.Captions(model, count, steps, cfg, first: first, onSample: (d, _) => onSample?.Invoke(d), cancel: cancel);
        double correct = checks.Count(x => x.Correct) / (double)count;
        double colours = checks.Sum(x => x.ColoursFound) / (double)checks.Sum(x => x.Requested);
        double shapes = checks.Sum(x => x.ShapesRight) / (double)checks.Sum(x => x.Requested);
        var line = $"caption correctness: {correct:P0} of {count} samples (held-out scenes {first}..{first + count - 1}; {steps} DDIM steps, CFG {cfg}) show every requested object "
            + $"({colours:P0} of objects' colours found, {shapes:P0} with the right shape)";
        return new CaptionNumbers(checks, correct, colours, shapes, line);
    }


    /// <summary>The cross-attention's localisation (<see cref="ToyEvaluation.AttentionInside"/>) and the line that says it.</summary>
    public sealed record AttentionNumbers(double Inside, double Area, double End, double Swap, double Leak, string Line);

    public static AttentionNumbers Attention(StableDiffusionModel model, int count)
    {
        var (inside, area, end, swap, leak) = ToyEvaluation.AttentionInside(model, count);
        return new AttentionNumbers(inside, area, end, swap, leak, $"cross-attention of the caption objects' colour and shape words inside their objects: {inside:P1} "
            + $"(flat maps: the objects' area, {area:P1}); on the end token and padding: {end:P1} ({count} held-out scenes noised at t = 250, 500, 750); "
            + $"one object's colour word swapped moves the maps in its cells by {swap:0.000} (total variation; 0 = where they were); "
            + $"a swapped colour or shape word changes the text encoder's other positions by {leak:0.000} of its own change (RMS)");
    }

    /// <summary>The RAFT's end-point errors on <paramref name="count"/> held-out edit pairs and the floor of its upsampling.</summary>
    public static RaftNumbers Raft(RaftModel flow, int count)
    {
        var at5 = RaftTraining.EndPointErrors(flow, count, 128, 5);
        var at12 = RaftTraining.EndPointErrors(flow, count, 128, 12);
        var floor = RaftTraining.UpsamplingFloor(count, 128, flow.InputScale);
        var lines = new[]
        {
            $"toy RAFT (input scale {flow.InputScale}) end-point error where things move: {at5.Moving:0.000} px at 5 iterations (Motion Guidance's), {at12.Moving:0.000} px at 12; "
            + $"of that more than {RaftTraining.EdgeBand} px from a motion edge {at5.MovingInterior:0.000} / {at12.MovingInterior:0.000} px; over all pixels {at5.All:0.000} / {at12.All:0.000} px ({count} held-out edit pairs)",
            $"  where things move, by edit kind: {ByKind(at5)} at 5 iterations; {ByKind(at12)} at 12",
            $"the floor of RAFT-small's 8x bilinear upsampling at input scale {flow.InputScale} (a flow on its 1/8 grid fitted to the exact one by RAFT's L1 objective): {floor.Moving:0.000} px where things move, "
            + $"{floor.MovingInterior:0.000} px more than {RaftTraining.EdgeBand} px from a motion edge, {floor.All:0.000} px over all pixels; by edit kind {ByKind(floor)}",
        };
        return new RaftNumbers(lines, new
        {
            input_scale = flow.InputScale, epe_5 = at5.All, epe_12 = at12.All, epe_moving_5 = at5.Moving, epe_moving_12 = at12.Moving,
            epe_moving_interior_5 = at5.MovingInterior, epe_moving_interior_12 = at12.MovingInterior,
            epe_moving_by_kind_5 = Named(at5), epe_moving_by_kind_12 = Named(at12),
            upsampling_floor = new { epe = floor.All, epe_moving = floor.Moving, epe_moving_interior = floor.MovingInterior, epe_moving_by_kind = Named(floor) },
        });
    }

    /// <summary>Writes every number into FOLDER/training/evaluation.json; returns its path.</summary>
    public static string Write(string folder, int count, VaeNumbers vae, CaptionNumbers captions, AttentionNumbers attention, int steps, double cfg, RaftNumbers raft)
    {
        var path = Path.Combine(folder, "training", EvaluationFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        MotiveJson.Write(path, new
        {
            held_out_scenes = count, vae_psnr_db = vae.Psnr, caption_correct = captions.Correct, reconstruction_caption_correct = vae.CaptionCorrect,
            colours_found = captions.Colours, shapes_right = captions.Shapes, caption_sampler = new { steps, cfg },
            attention_inside_share = attention.Inside, attention_area_share = attention.Area, attention_end_share = attention.End, attention_swap_distance = attention.Swap, word_leak = attention.Leak, raft = raft.Json, captions = captions.Checks,
        });
        return path;
    }

    private static string ByKind(RaftTraining.RaftErrors e) => string.Join(", ", e.MovingByKind.Select(k => $"{k.Key.ToString().ToLowerInvariant()} {k.Value:0.000} px"));

    private static Dictionary<string, double> Named(RaftTraining.RaftErrors e) => e.MovingByKind.ToDictionary(k => k.Key.ToString().ToLowerInvariant(), k => k.Value);
}
