using System.Text;
using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Station.Tests.Control;

public sealed class JsonRpcTests
{
    private static JsonRpcMessage Parse(string json) => JsonRpcMessage.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_request_with_named_params_and_unknown_fields_is_read()
    {
        using var m = Parse("""{"jsonrpc":"2.0","id":7,"method":"prompt","params":{"text":"I feel calm","future":1},"meta":{"x":1}}""");
        Assert.Equal(JsonRpcMessageKind.Request, m.Kind);
        Assert.Equal(7, m.Id.GetInt32());
        Assert.Equal("prompt", m.Method);
        Assert.Equal("I feel calm", m.Params.GetProperty("text").GetString());
    }

    [Fact]
    public void A_message_without_id_is_a_notification()
    {
        using var m = Parse("""{"jsonrpc":"2.0","method":"nowPlaying","params":{"title":"x"}}""");
        Assert.Equal(JsonRpcMessageKind.Notification, m.Kind);
    }

    [Theory]
    [InlineData("{not json", JsonRpcErrorCodes.ParseError)]
    [InlineData("[1,2]", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"x"}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":5}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","id":{},"method":"x"}""", JsonRpcErrorCodes.InvalidRequest)]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}""", JsonRpcErrorCodes.InvalidParams)]
    [InlineData("""{"jsonrpc":"2.0","id":1}""", JsonRpcErrorCodes.InvalidRequest)]
    public void Malformed_messages_are_classified_with_the_standard_code(string json, int code)
    {
        using var m = Parse(json);
        Assert.Equal(JsonRpcMessageKind.Invalid, m.Kind);
        Assert.Equal(code, m.InvalidCode);
        Assert.False(string.IsNullOrEmpty(m.InvalidReason));
    }

    [Fact]
    public void Responses_and_errors_are_read()
    {
        using var ok = Parse("""{"jsonrpc":"2.0","id":"a","result":{"v":1}}""");
        Assert.Equal(JsonRpcMessageKind.Response, ok.Kind);
        Assert.Equal(1, ok.Result.GetProperty("v").GetInt32());
        using var failed = Parse("""{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"nope"}}""");
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, failed.Error!.Code);
        Assert.Equal("nope", failed.Error.Message);
    }

    [Fact]
    public void The_writer_produces_the_documented_envelopes()
    {
        using (var request = JsonRpcWriter.Request(1, "prompt", new { text = "I feel calm" }))
            Assert.Equal("""{"jsonrpc":"2.0","id":1,"method":"prompt","params":{"text":"I feel calm"}}""", Encoding.UTF8.GetString(request.Span));
        using (var note = JsonRpcWriter.Notification("listeners", new { count = 3 }))
            Assert.Equal("""{"jsonrpc":"2.0","method":"listeners","params":{"count":3}}""", Encoding.UTF8.GetString(note.Span));
        var id = JsonDocument.Parse("\"abc\"").RootElement;
        using (var result = JsonRpcWriter.Result(id, null))
            Assert.Equal("""{"jsonrpc":"2.0","id":"abc","result":null}""", Encoding.UTF8.GetString(result.Span));
        using (var error = JsonRpcWriter.Error(default, new JsonRpcError(-32700, "bad")))
            Assert.Equal("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}""", Encoding.UTF8.GetString(error.Span));
    }

    [Fact]
    public void A_refusal_frame_is_recognised_and_ordinary_frames_are_not()
    {
        var frame = RefusalFrame.Create(JsonRpcErrorCodes.ServerFull, "Server full.");
        Assert.True(RefusalFrame.TryRead(frame, out var code, out var message));
        Assert.Equal(JsonRpcErrorCodes.ServerFull, code);
        Assert.Equal("Server full.", message);
        Assert.False(RefusalFrame.TryRead("MDJN\u0001"u8, out _, out _));
    }
}
