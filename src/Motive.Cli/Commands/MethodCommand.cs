using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>
/// A method's command (`motive move`, `motive drag`, `motive edit`, …) built from its description: one option per
/// input (how each widget reads on a command line is said once, here), the model options, --device, --max-memory and
/// --out; the options become the request's JSON, read as every request is (<see cref="EditJson"/>), and run through
/// the one run path. Nothing of any method is here.
/// </summary>
public static class MethodCommand
{
    public static Command Create(IEditMethod method)
    {
        var d = method.Description;
        var cmd = new Command(d.Command, d.Summary);
        var embedded = method.DefaultSettings(null);
        var reference = method.ReferenceSettings;
        FlowBuilderOptions? strokes = null;
        var options = new List<(MethodInput Input, Option Option)>();
        foreach (var input in d.Inputs)
        {
            if (input.Widget == Widget.Motion)
            {
                strokes = new FlowBuilderOptions(zoomOnly: true);
                strokes.AddTo(cmd);
                continue;
            }
            var option = OptionFor(input, Help(input, embedded, reference));
            cmd.Add(option);
            options.Add((input, option));
        }
        var models = new ModelOptions();
        models.AddTo(cmd);
        var maxMemory = EditRunner.MaxMemoryOption();
        var output = new Option<string>("--out", "--save-dir") { Description = "Output folder (written whole at the end; an existing one must be empty or an earlier result).", Required = true };
        cmd.Add(maxMemory);
        cmd.Add(output);
        cmd.SetAction((r, cancel) =>
        {
            var request = Request(d, r, options, strokes, models);
            return Task.FromResult(EditRunner.Run(request, new FileInputs(), r.GetValue(output)!, r.GetValue(models.Device)!,
                EditRunner.MaxMemoryMiB(r, maxMemory), r.InvocationConfiguration, cancel));
        });
        return cmd;
    }

    /// <summary>The options as the method's request: files that exist here by their full paths (so run.json replays from anywhere), settings only where given.</summary>
    private static EditRequest Request(MethodDescription d, ParseResult r, List<(MethodInput Input, Option Option)> options, FlowBuilderOptions? strokes, ModelOptions models)
    {
        var json = (JsonObject)d.Skeleton.DeepClone();
        json["method"] = d.Name;
        json["model"] = System.Text.Json.JsonSerializer.SerializeToNode(models.Ref(r), EditJson.Options);
        var given = new List<(MethodInput Input, string Name)>();
        foreach (var (input, option) in options)
        {
            if (r.GetResult(option) is not { Implicit: false } result) continue;
            var used = result.IdentifierToken?.Value ?? option.Name;
            if (input.Renamed.Contains(used)) r.InvocationConfiguration.Error.WriteLine($"motive: {used} is now {option.Name}");
            var value = Value(input, option, r);
            if (value is null) continue;
            given.Add((input, option.Name));
            Set(json, input.Key, value);
            foreach (var (key, v) in input.Sets) Set(json, key, v?.DeepClone());
        }
        if (strokes is not null && strokes.Given(r))
        {
            var motion = d.Inputs.First(i => i.Widget == Widget.Motion);
            given.Add((motion, "strokes (--translate, --rotate, ...)"));
            Set(json, motion.Key, System.Text.Json.JsonSerializer.SerializeToNode(strokes.Spec(r), EditJson.Options));
        }
        foreach (var group in given.Where(g => g.Input.Group is not null).GroupBy(g => g.Input.Group))
            if (group.Count() > 1) throw new ArgumentException($"give {string.Join(" or ", group.Select(g => g.Name))}, not both");
        return EditJson.Parse(json.ToJsonString(), "the options");
    }

    private static Option OptionFor(MethodInput input, string help)
    {
        var names = input.Aliases.Concat(input.Renamed).ToArray();
        Option option = input.Widget switch
        {
            Widget.Number => new Option<double?>(input.OptionName, names),
            Widget.Integer => new Option<long?>(input.OptionName, names),
            Widget.Flag => new Option<bool>(input.OptionName, names),
            Widget.Switch => new Option<bool?>(input.OptionName, names),
            Widget.Points => new Option<string[]>(input.OptionName, names) { AllowMultipleArgumentsPerToken = false },
            _ => new Option<string?>(input.OptionName, names),
        };
        option.Description = help;
        option.Required = input.Required;
        return option;
    }

    /// <summary>An option's value as the request's JSON (null: not given).</summary>
    private static JsonNode? Value(MethodInput input, Option option, ParseResult r)
    {
        switch (input.Widget)
        {
            case Widget.Number:
                return r.GetValue((Option<double?>)option) is { } x ? JsonValue.Create(x) : null;
            case Widget.Integer:
                return r.GetValue((Option<long?>)option) is { } n ? JsonValue.Create(n) : null;
            case Widget.Flag:
                return r.GetValue((Option<bool>)option) ? input.Value?.DeepClone() ?? JsonValue.Create(true) : null;
            case Widget.Switch:
                return r.GetValue((Option<bool?>)option) is { } b ? JsonValue.Create(b) : null;
            case Widget.Points:
                var pairs = r.GetValue((Option<string[]>)option) ?? [];
                if (pairs.Length == 0) return null;
                var list = new JsonArray();
                foreach (var p in pairs)
                {
                    var pair = FlowBuilderOptions.Option(option.Name, () => Motive.Models.Flow.DragPair.Parse(p));
                    list.Add(new JsonObject { ["x1"] = pair.X1, ["y1"] = pair.Y1, ["x2"] = pair.X2, ["y2"] = pair.Y2 });
                }
                return list;
            case Widget.Size:
                if (r.GetValue((Option<string?>)option) is not { } size) return null;
                var (w, h) = FlowBuilderOptions.Pair(size, option.Name, 'x');
                EditLimits.CheckSize(option.Name, (long)Math.Min(w, long.MaxValue), (long)Math.Min(h, long.MaxValue));
                if (w != Math.Floor(w) || h != Math.Floor(h)) throw new ArgumentException($"{option.Name}: {size} is not whole pixels");
                return new JsonObject { ["width"] = (int)w, ["height"] = (int)h };
            default:
                if (r.GetValue((Option<string?>)option) is not { } text) return null;
                bool file = input.Widget is Widget.Picture or Widget.File or Widget.Mask && input.Choices?.Contains(text) != true;
                return file && (System.IO.File.Exists(text) || Directory.Exists(text)) ? Path.GetFullPath(text) : text;
        }
    }

    /// <summary>Sets a dotted key, making objects on the way and merging an object into one already there.</summary>
    private static void Set(JsonObject root, string key, JsonNode? value)
    {
        var parts = key.Split('.');
        var at = root;
        foreach (var part in parts[..^1])
        {
            if (at[part] is not JsonObject next) at[part] = next = [];
            at = next;
        }
        if (value is JsonObject add && at[parts[^1]] is JsonObject there)
            foreach (var (k, v) in add.ToList()) there[k] = v?.DeepClone();
        else at[parts[^1]] = value;
    }

    /// <summary>The help line: what the input means, its choices, and where its default comes from.</summary>
    private static string Help(MethodInput input, JsonObject embedded, JsonObject reference)
    {
        var help = input.Help;
        if (input.Widget == Widget.Choice && input.Choices is { } choices) help += $" One of: {string.Join(", ", choices)}.";
        // A flag that turns a setting off says nothing of a default: leaving it out is the default.
        if (!input.Key.StartsWith("settings.", StringComparison.Ordinal) || input is { Widget: Widget.Flag, Value: not null }) return help;
        var key = input.Key["settings.".Length..];
        string? e = Text(embedded[key]), f = Text(reference[key]);
        if (f is null) return help;
        return e == f ? $"{help} Default: {f}." : $"{help} Default: the model's preset ({e} for the embedded model), else the reference's {f}.";
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<double>(out var x) => x.ToString(CultureInfo.InvariantCulture),
        _ => node.ToJsonString().Trim('"').ToLowerInvariant(),
    };
}
