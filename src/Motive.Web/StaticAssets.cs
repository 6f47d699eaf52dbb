using System.Reflection;

namespace Motive.Web;

/// <summary>The editor page's files, read once from the assembly's resources: a fixed table, so no request path is ever opened.</summary>
public static class StaticAssets
{
    private static readonly Lazy<IReadOnlyDictionary<string, (byte[] Data, string Type)>> files = new(Load);

    public static IReadOnlyDictionary<string, (byte[] Data, string Type)> Files => files.Value;

    private static IReadOnlyDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var table = new Dictionary<string, (byte[], string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            using var s = assembly.GetManifestResourceStream(name)!;
            using var m = new MemoryStream();
            s.CopyTo(m);
            table[name["wwwroot/".Length..]] = (m.ToArray(), TypeOf(name));
        }
        return table;
    }

    private static string TypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
