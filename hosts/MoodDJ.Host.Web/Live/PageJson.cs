using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoodDJ.Host.Web;

/// <summary>The JSON of the page's WebSocket (camelCase, nulls kept so the page can clear a field).</summary>
public static class PageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static byte[] Encode(object message) => JsonSerializer.SerializeToUtf8Bytes(message, Options);
}
