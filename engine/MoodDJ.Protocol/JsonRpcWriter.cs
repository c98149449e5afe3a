using System.Buffers;
using System.Text.Json;

namespace MoodDJ.Protocol;

/// <summary>Writes JSON-RPC 2.0 messages as UTF-8 into pooled buffers.</summary>
public static class JsonRpcWriter
{
    /// <summary>camelCase names, nulls omitted: how MoodDJ serializes params and results.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static PooledMessage Request(long id, string method, object? parameters)
        => Write(w =>
        {
            w.WriteNumber("id", id);
            w.WriteString("method", method);
            WriteValue(w, "params", parameters);
        });

    public static PooledMessage Notification(string method, object? parameters)
        => Write(w =>
        {
            w.WriteString("method", method);
            WriteValue(w, "params", parameters);
        });

    /// <summary>A result response; <paramref name="id"/> is the request's id, copied as it was.</summary>
    public static PooledMessage Result(JsonElement id, JsonElement? result)
        => Write(w =>
        {
            WriteId(w, id);
            w.WritePropertyName("result");
            if (result is { ValueKind: not JsonValueKind.Undefined } r) r.WriteTo(w);
            else w.WriteNullValue();
        });

    /// <summary>An error response; an undefined <paramref name="id"/> writes id null (parse errors, refusals).</summary>
    public static PooledMessage Error(JsonElement id, JsonRpcError error)
        => Write(w =>
        {
            WriteId(w, id);
            w.WriteStartObject("error");
            w.WriteNumber("code", error.Code);
            w.WriteString("message", error.Message);
            if (error.Data is { ValueKind: not JsonValueKind.Undefined } data)
            {
                w.WritePropertyName("data");
                data.WriteTo(w);
            }
            w.WriteEndObject();
        });

    private static void WriteId(Utf8JsonWriter writer, JsonElement id)
    {
        writer.WritePropertyName("id");
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number) id.WriteTo(writer);
        else writer.WriteNullValue();
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case JsonElement { ValueKind: JsonValueKind.Undefined }:
                return;
            case JsonElement element:
                writer.WritePropertyName(name);
                element.WriteTo(writer);
                return;
            default:
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, value, value.GetType(), SerializerOptions);
                return;
        }
    }

    private static PooledMessage Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            body(writer);
            writer.WriteEndObject();
        }
        return PooledMessage.CopyOf(buffer.WrittenSpan);
    }
}
