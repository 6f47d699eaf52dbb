using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Motive.IO;
using Motive.IO.Images;
using Motive.IO.Json;

namespace Motive.Batch;

/// <summary>
/// One table of a batch's items: the settings that differ between them (read from each run.json), their metrics
/// (metrics.json), and the failed ones with their errors; as Markdown (report.md), JSON (report.json) and a contact
/// sheet of the results (contact.png, in the table's order).
/// </summary>
public static class BatchReport
{
    public sealed record Row(string Id, string Method, IReadOnlyDictionary<string, string> Settings, IReadOnlyDictionary<string, double> Metrics, double? Seconds);

    public sealed record Failure(string Id, string Error);

    /// <summary>
    /// The table; <paramref name="Truth"/> is what a batch of a known kind adds (a toy-world bench: its ground truth's
    /// measures per method, Motive.ToyWorld's ToyBenchBatch), written into report.json as it is, with
    /// <see cref="TruthMarkdown"/> its section of report.md.
    /// </summary>
    public sealed record Report(IReadOnlyList<string> SettingColumns, IReadOnlyList<string> MetricColumns, IReadOnlyList<Row> Items, IReadOnlyList<Failure> Failed,
        object? Truth = null)
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public string? TruthMarkdown { get; init; }
    }

    public static Report Build(string outDir)
    {
        var items = Path.Combine(outDir, BatchRun.ItemsFolder);
        if (!Directory.Exists(items)) throw new MotiveFormatException(outDir, $"is not a batch output folder (no {BatchRun.ItemsFolder}/)");
        var rows = new List<Row>();
        var flats = new List<Dictionary<string, string>>();
        foreach (var dir in Directory.EnumerateDirectories(items).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var runFile = Path.Combine(dir, "run.json");
            if (!File.Exists(runFile)) continue;
            var run = Parse(runFile);
            var flat = new Dictionary<string, string>();
            double? seconds = Motive.Methods.Editing.EditJson.ElapsedSeconds(run);
            run.Remove(Motive.Methods.Editing.EditJson.ResultKey);
            run.Remove(Motive.Methods.Editing.EditJson.VersionKey);
            Flatten(run, "", flat);
            flats.Add(flat);
            var metrics = new Dictionary<string, double>();
            var metricsFile = Path.Combine(dir, "metrics.json");
            if (File.Exists(metricsFile))
                foreach (var (k, v) in Parse(metricsFile))
                    if (v is JsonValue value && value.TryGetValue<double>(out var d)) metrics[k] = d;
            rows.Add(new Row(Path.GetFileName(dir), flat.GetValueOrDefault("method", "?"), flat, metrics, seconds));
        }
        // The columns worth showing: settings whose values differ between items (all of them for a single item).
        var keys = flats.SelectMany(f => f.Keys).Distinct().Where(k => k != "method").Order(StringComparer.Ordinal).ToList();
        var varying = flats.Count <= 1 ? keys : keys.Where(k => flats.Select(f => f.GetValueOrDefault(k, "")).Distinct().Count() > 1).ToList();
        rows = rows.Select(r => r with { Settings = varying.ToDictionary(k => k, k => r.Settings.GetValueOrDefault(k, "")) }).ToList();
        var metricColumns = rows.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        var failed = Directory.EnumerateFiles(items, "*" + BatchRun.ErrorSuffix).Order(StringComparer.Ordinal)
            .Select(f => MotiveJson.Read<BatchRun.ItemError>(f)).Where(e => rows.All(r => r.Id != e.Id)).Select(e => new Failure(e.Id, e.Error)).ToList();
        return new Report(varying, metricColumns, rows, failed);
    }

    /// <summary>Writes report.md, report.json and contact.png into <paramref name="outDir"/>; returns the report.</summary>
    public static Report Write(string outDir, Func<Report, Report>? extend = null)
    {
        var report = Build(outDir);
        if (extend is not null) report = extend(report);
        AtomicFile.WriteAllBytes(Path.Combine(outDir, "report.md"), Encoding.UTF8.GetBytes(Markdown(report)));
        MotiveJson.Write(Path.Combine(outDir, "report.json"), report);
        var pictures = report.Items.Select(r => Path.Combine(outDir, BatchRun.ItemsFolder, r.Id, "result.png")).Where(File.Exists).Select(ImageReader.Read).ToList();
        if (pictures.Count > 0) AtomicFile.Write(Path.Combine(outDir, "contact.png"), s => PngWriter.Encode(s, ImageGrid.Sheet(pictures)));
        return report;
    }

    public static string Markdown(Report r)
    {
        var md = new StringBuilder();
        md.Append($"{r.Items.Count} done, {r.Failed.Count} failed\n\n");
        var header = new[] { "id", "method" }.Concat(r.SettingColumns).Concat(r.MetricColumns).Append("seconds").ToList();
        md.Append("| ").AppendJoin(" | ", header).Append(" |\n|").Append(string.Concat(header.Select(_ => " --- |"))).Append('\n');
        foreach (var row in r.Items)
        {
            var cells = new[] { row.Id, row.Method }.Concat(r.SettingColumns.Select(k => row.Settings[k]))
                .Concat(r.MetricColumns.Select(k => row.Metrics.TryGetValue(k, out var v) ? Number(v) : ""))
                .Append(row.Seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "");
            md.Append("| ").AppendJoin(" | ", cells.Select(c => c.Replace("|", "\\|"))).Append(" |\n");
        }
        if (r.TruthMarkdown is { } truth) md.Append('\n').Append(truth);
        if (r.Failed.Count > 0)
        {
            md.Append("\nFailed:\n\n");
            foreach (var f in r.Failed) md.Append($"- `{f.Id}`: {f.Error}\n");
        }
        if (r.Items.Count > 0) md.Append("\ncontact.png: the results in the table's order, left to right, top to bottom.\n");
        return md.ToString();
    }

    public static string Number(double v) => Math.Abs(v) >= 100 ? v.ToString("0.#", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    private static void Flatten(JsonNode? node, string prefix, Dictionary<string, string> flat)
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o) Flatten(v, prefix.Length == 0 ? k : prefix + "." + k, flat);
        else if (node is not null) flat[prefix] = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
    }

    private static JsonObject Parse(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new MotiveFormatException(path, "must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(path, "is not valid JSON: " + MotiveJson.Describe(e));
        }
    }
}
