using Motive.IO.Tensors;

namespace Motive.IO.Inspection;

/// <summary>What <c>motive inspect</c> found: the kind of file, facts about it, and its tensors.</summary>
public sealed record InspectionReport(
    string Path,
    string Kind,
    IReadOnlyList<KeyValuePair<string, string>> Facts,
    IReadOnlyList<TensorSummary> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<InspectionReport> Parts);

/// <summary>One tensor's name, element type and shape.</summary>
public sealed record TensorSummary(string Name, DType DType, long[] Shape)
{
    public long ByteSize => DType.ByteSize(Shape);
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);
    public static TensorSummary Of(TensorRef t) => new(t.Name, t.DType, t.Shape);
}
