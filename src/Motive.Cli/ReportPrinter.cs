using Motive.IO.Inspection;

namespace Motive.Cli;

/// <summary>Plain-text rendering of an inspection report (stable, greppable, no colours needed).</summary>
public static class ReportPrinter
{
    public static void Print(InspectionReport r, TextWriter o, int maxTensors, string indent = "")
    {
        o.WriteLine($"{indent}{r.Path}: {r.Kind}");
        foreach (var (k, v) in r.Facts) o.WriteLine($"{indent}  {k}: {v}");
        if (r.Metadata.Count > 0)
        {
            o.WriteLine($"{indent}  metadata:");
            foreach (var (k, v) in r.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                o.WriteLine($"{indent}    {k}: {Shorten(v)}");
        }
        if (r.Tensors.Count > 0)
        {
            int nameWidth = Math.Min(72, r.Tensors.Take(maxTensors).Max(t => t.Name.Length));
            o.WriteLine($"{indent}  {"name".PadRight(nameWidth)}  dtype  shape  bytes");
            foreach (var t in r.Tensors.Take(maxTensors))
                o.WriteLine($"{indent}  {t.Name.PadRight(nameWidth)}  {t.DType,-5}  [{string.Join(", ", t.Shape)}]  {Bytes(t.ByteSize)}");
            if (r.Tensors.Count > maxTensors)
                o.WriteLine($"{indent}  ... and {r.Tensors.Count - maxTensors} more (--all lists them)");
        }
        foreach (var p in r.Parts) Print(p, o, maxTensors, indent + "  ");
    }

    static string Shorten(string v) => v.Length > 200 ? v[..200].ReplaceLineEndings(" ") + " …" : v.ReplaceLineEndings(" ");

    static string Bytes(long b) => b switch
    {
        < 1024 => $"{b} B",
        < 1 << 20 => $"{b / 1024.0:0.#} KiB",
        < 1 << 30 => $"{b / 1048576.0:0.#} MiB",
        _ => $"{b / 1073741824.0:0.##} GiB",
    };
}
