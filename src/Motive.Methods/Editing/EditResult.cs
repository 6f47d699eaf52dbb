using Motive.IO.Images;
using static TorchSharp.torch;

namespace Motive.Methods.Editing;

/// <summary>
/// What an edit produced, in the library: the result picture, a summary strip (and what its panels are), the
/// metrics (metrics.json), the run's record (run.json's "result": what the source was, sizes, per-step numbers),
/// tensors to keep in the reference's formats (.pth) and any further pictures. <see cref="ResultFolder"/> writes it.
/// </summary>
public sealed record EditResult : IDisposable
{
    public required RgbImage Image { get; init; }
    public RgbImage? Summary { get; init; }
    public string? SummaryPanels { get; init; }
    public IReadOnlyDictionary<string, object?> Metrics { get; init; } = new Dictionary<string, object?>();
    public IReadOnlyDictionary<string, object?> Record { get; init; } = new Dictionary<string, object?>();
    /// <summary>File name → tensor, written with torch.save's format (what the reference's scripts read).</summary>
    public IReadOnlyList<(string File, Tensor Value)> Tensors { get; init; } = [];
    /// <summary>File name → picture, beside result.png.</summary>
    public IReadOnlyList<(string File, RgbImage Image)> Pictures { get; init; } = [];
    /// <summary>File name → bytes of a file made elsewhere (a PNG plot), beside result.png.</summary>
    public IReadOnlyList<(string File, byte[] Bytes)> Files { get; init; } = [];
    /// <summary>File name → a value written as JSON beside result.png (e.g. tracked points per iteration).</summary>
    public IReadOnlyList<(string File, object Value)> JsonFiles { get; init; } = [];
    /// <summary>How much work it was, e.g. "8 guided evaluations".</summary>
    public string? Work { get; init; }
    /// <summary>The one line a person wants first, e.g. how far the result moved where asked.</summary>
    public string? Headline { get; init; }
    /// <summary>Wall-clock time of the run (models loaded to result).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Frees the tensors (a copy made with <c>with</c> shares them; disposing either, or both, is fine).</summary>
    public void Dispose()
    {
        foreach (var (_, t) in Tensors) t.Dispose();
    }
}
