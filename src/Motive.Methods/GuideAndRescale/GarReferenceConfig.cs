using System.Text.Json;

namespace Motive.Methods.GuideAndRescale;

/// <summary>
/// Reads a config in the reference's layout (configs/*.yaml as JSON: "guiders" [{name, g_scale, kwargs}],
/// "self_attn_layers_num", "noise_rescaling_setup" {type, init_setup}); the fixtures' metadata and users' own
/// configs come this way. g_scale is a number (every step) or a per-step list; the appearance guider's self_attn_gs /
/// app_gs are spread over total_first_steps or total_last_steps of the 50-step lists, as scale_schedulers.py does.
/// </summary>
public static class GarReferenceConfig
{
    public static GarConfig Read(JsonElement c, int steps = 50)
    {
        int length = Math.Max(50, steps);
        if (!c.TryGetProperty("guiders", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new ArgumentException("a Guide-and-Rescale config lists its guiders under \"guiders\"");
        var guiders = list.EnumerateArray().Select(g => Guider(g, length)).ToList();
        var layers = GarConfig.AllLayers;
        if (c.TryGetProperty("self_attn_layers_num", out var l) && l.ValueKind == JsonValueKind.Array)
            layers = l.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.Number ? [0, r.GetInt32()] : r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        string type = "range_other_on_cfg_norm";
        double lower = 0.33, upper = 3.0;
        if (c.TryGetProperty("noise_rescaling_setup", out var rescale))
        {
            type = rescale.GetProperty("type").GetString()!;
            if (rescale.TryGetProperty("init_setup", out var b) && b.ValueKind == JsonValueKind.Array)
                (lower, upper) = (b[0].GetDouble(), b[1].GetDouble());
        }
        var config = new GarConfig(guiders, layers, type, lower, upper);
        config.CheckSteps(steps);
        return config;
    }

    private static GarGuider Guider(JsonElement g, int length)
    {
        string name = g.GetProperty("name").GetString() ?? throw new ArgumentException("a guider without a name");
        var scales = Scales(g.GetProperty("g_scale"), length, name);
        var kw = g.TryGetProperty("kwargs", out var k) && k.ValueKind == JsonValueKind.Object ? k : default;
        string? Text(string key) => kw.ValueKind == JsonValueKind.Object && kw.TryGetProperty(key, out var v) ? v.GetString() : null;
        if (name == GarGuider.Appearance)
        {
            int? last = kw.TryGetProperty("total_last_steps", out var l) ? l.GetInt32() : null;
            int first = kw.TryGetProperty("total_first_steps", out var f) ? f.GetInt32() : length;
            double[] Spread(double s) => last is { } n ? ScaleSchedules.LastSteps(s, n, length) : ScaleSchedules.FirstSteps(s, first, length);
            double sa = kw.GetProperty("self_attn_gs").GetDouble(), app = kw.GetProperty("app_gs").GetDouble();
            bool fresh = kw.TryGetProperty("new_features", out var nf) && nf.GetBoolean();
            return new GarGuider(name, scales, SelfAttentionScales: Spread(sa), AppearanceScales: Spread(app), NewFeatures: fresh);
        }
        return new GarGuider(name, scales, Block: Text("block") ?? "up");
    }

    private static double[] Scales(JsonElement s, int length, string guider) => s.ValueKind switch
    {
        JsonValueKind.Number => Enumerable.Repeat(s.GetDouble(), length).ToArray(),
        JsonValueKind.Array => s.EnumerateArray().Select(v => v.GetDouble()).ToArray(),
        // The fixtures' metadata abbreviates a per-step list to the entry of the recorded step: "list[50]; [10] = 2.5".
        JsonValueKind.String when System.Text.RegularExpressions.Regex.Match(s.GetString()!, @"^list\[(\d+)\]; \[(\d+)\] = (\S+)$") is { Success: true } m =>
            Enumerable.Repeat(double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), Math.Max(length, int.Parse(m.Groups[1].Value))).ToArray(),
        _ => throw new ArgumentException($"guider {guider}: g_scale must be a number or a list of per-step numbers"),
    };
}
