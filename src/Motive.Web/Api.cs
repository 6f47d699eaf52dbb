using System.Text.Json;
using Motive.IO.Json;

namespace Motive.Web;

/// <summary>The API's JSON: the requests' own policy (snake_case names, enums as words), one line per answer.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(MotiveJson.Options) { WriteIndented = false };
}
