using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Motive.IO.Json;

/// <summary>
/// The one way Motive writes and reads JSON: snake_case names (the references' own spelling: guidance_weight,
/// num_recursive_steps), enums as snake_case strings, NaN and ∞ as named literals, indented, unescaped Unicode,
/// nulls left out, names read case-insensitively (state files written before this policy still load) and unknown
/// fields refused (a misspelt setting is an error, not silently the default).
/// </summary>
public static class MotiveJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    /// <summary>Sets the policy on <paramref name="o"/> (for option objects that add converters or type resolvers).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.WriteIndented = true;
        o.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.PropertyNameCaseInsensitive = true;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.AllowOutOfOrderMetadataProperties = true;   // "kind" / "method" anywhere in an object, as people write them
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return o;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically.</summary>
    public static void Write<T>(string path, T value) => AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(value, Options));

    /// <summary>Reads a JSON file; a missing or malformed file is a <see cref="MotiveFormatException"/> naming it, the line and the problem.</summary>
    public static T Read<T>(string path, JsonSerializerOptions? options = null)
    {
        if (!File.Exists(path)) throw new MotiveFormatException(path, "no such file");
        return Parse<T>(File.ReadAllText(path), path, options);
    }

    public static T Parse<T>(string text, string what, JsonSerializerOptions? options = null)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, options ?? Options) ?? throw new MotiveFormatException(what, "holds null, not a JSON object");
        }
        catch (JsonException e)
        {
            throw new MotiveFormatException(what, Describe(e));
        }
        catch (NotSupportedException e)
        {
            int at = e.Message.IndexOf("Path: ", StringComparison.Ordinal);
            var where = at >= 0 ? " at " + e.Message[(at + 6)..].Split(' ')[0] : "";
            throw new MotiveFormatException(what, e.Message.Contains("type discriminator", StringComparison.Ordinal)
                ? $"the \"kind\" (or \"method\") is missing{where}" : e.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>System.Text.Json's message in a user's words, with where it happened.</summary>
    public static string Describe(JsonException e)
    {
        var where = e.Path is { Length: > 1 } p ? $" at {p}" : "";
        var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        var m = e.Message;
        if (m.Contains("could not be mapped", StringComparison.Ordinal))
        {
            int a = m.IndexOf('\''), b = a >= 0 ? m.IndexOf('\'', a + 1) : -1;
            return $"unknown field {(b > a ? m[a..(b + 1)] : "")}{where}{line}";
        }
        if (m.Contains("missing required properties", StringComparison.Ordinal) || m.Contains("required", StringComparison.Ordinal) && m.Contains("missing", StringComparison.Ordinal))
            return $"a required field is missing{where}{line}: {m[(m.IndexOf(':') + 1)..].Trim().TrimEnd('.')}";
        if (m.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var type = m[(m.IndexOf("converted to", StringComparison.Ordinal) + 13)..];
            var want = type.Contains("Int", StringComparison.Ordinal) ? "a whole number" : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
                : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false" : type.StartsWith("System.String", StringComparison.Ordinal) ? "text" : "another kind of value";
            return $"wrong type{where}{line}: expected {want}";
        }
        if (m.Contains("type discriminator", StringComparison.Ordinal))
        {
            int a = m.IndexOf('\''), b = a >= 0 ? m.IndexOf('\'', a + 1) : -1;
            return b > a ? $"unknown kind {m[a..(b + 1)]}{where}{line}" : $"a \"kind\" is missing or misplaced{where}{line}";
        }
        int dot = m.IndexOf(". Path:", StringComparison.Ordinal);
        return (dot > 0 ? m[..dot] : m).TrimEnd('.') + where + line;
    }
}
