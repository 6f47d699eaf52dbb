using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Motive.Methods.Editing;

/// <summary>
/// What a method's description says a request's values may be (<see cref="MethodInput.Min"/>, <see cref="MethodInput.Max"/>,
/// a <see cref="Widget.Choice"/>'s <see cref="MethodInput.Choices"/>), checked on the request's JSON: the bounds the
/// API's schema publishes, so a request that breaks the schema is refused with one line naming the field.
/// </summary>
public static class InputRanges
{
    /// <summary>
    /// Throws ArgumentException naming the first field of <paramref name="request"/> out of <paramref name="description"/>'s
    /// bounds. <paramref name="choices"/> false leaves the choices unchecked: a method's choices are its embedded
    /// auxiliary model's (e.g. a classifier's classes), and an operator's own model has its own.
    /// </summary>
    public static void Check(JsonObject request, MethodDescription description, bool choices = true)
    {
        foreach (var input in description.Inputs)
        {
            if (At(request, input.Key) is not JsonValue value) continue;
            if (value.GetValueKind() == JsonValueKind.Number && (input.Min is not null || input.Max is not null))
            {
                var v = value.GetValue<double>();
                if (v < input.Min || v > input.Max)
                    throw new ArgumentException($"\"{input.Key}\" must be {Range(input)}, not {v.ToString(CultureInfo.InvariantCulture)}");
            }
            if (choices && input.Widget == Widget.Choice && input.Choices is { } words && value.GetValueKind() == JsonValueKind.String && !words.Contains(value.GetValue<string>()))
                throw new ArgumentException($"\"{input.Key}\" must be one of {string.Join(", ", words)}, not '{value.GetValue<string>()}'");
        }
    }

    private static string Range(MethodInput input) => (input.Min, input.Max) switch
    {
        ({ } lo, { } hi) => $"in {lo.ToString(CultureInfo.InvariantCulture)}..{hi.ToString(CultureInfo.InvariantCulture)}",
        ({ } lo, null) => $"at least {lo.ToString(CultureInfo.InvariantCulture)}",
        (null, { } hi) => $"at most {hi.ToString(CultureInfo.InvariantCulture)}",
        _ => "any number",
    };

    private static JsonNode? At(JsonObject request, string key)
    {
        JsonNode? node = request;
        foreach (var part in key.Split('.')) node = (node as JsonObject)?[part];
        return node;
    }
}
