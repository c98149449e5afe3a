using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client.Voice;
using MoodDJ.Hosting;
using MoodDJ.Host.Web.Live;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Protocol;

namespace MoodDJ.Host.Web.Audio;

/// <summary>
/// A browser's microphone (push to talk): the page's /talk WebSocket carries 32-bit float mono PCM
/// at the station's sample rate (getUserMedia through an AudioWorklet); the host spreads it to the
/// station's channels and hands it to a <see cref="VoiceTalker"/> of its own control client, which
/// encodes it in the station's codec and sends it with the talk method. Closing the socket lets go.
/// </summary>
public sealed class BrowserTalk(MoodDJEngine engine, IStationLink link)
{
    /// <summary>The largest message the page may send: a second of mono audio at 192 kHz.</summary>
    private const int MaxMessageBytes = 192_000 * sizeof(float);

    public async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        await using var client = link.NewClient("web talk");
        var hello = await client.ConnectAsync(cancellationToken);
        var codec = engine.CodecFor(hello.Codec);
        if (codec is null)
        {
            await SendAsync(socket, new { type = "error", message = $"The station streams '{hello.Codec}', which this host cannot encode." }, cancellationToken);
            return;
        }
        var format = new AudioFormat(hello.SampleRate, hello.Channels);
        await SendAsync(socket, new { type = "format", sampleRate = format.SampleRate }, cancellationToken);
        var pipe = new Pipe();
        var talker = new VoiceTalker(client, codec, format, hello.Codec.Equals("opus", StringComparison.OrdinalIgnoreCase) ? 20 : 10);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var talking = talker.TalkAsync(pipe.Reader.AsStream(), stop.Token);
        // The station may refuse (too many talkers): the page hears why and the socket closes.
        var refused = talking.ContinueWith(async t =>
        {
            if (t.Exception?.InnerException is JsonRpcException e && socket.State == WebSocketState.Open)
            {
                await SendAsync(socket, new { type = "error", message = e.Message }, CancellationToken.None);
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "refused", CancellationToken.None);
            }
        }, TaskScheduler.Default).Unwrap();
        try { await ReceiveAsync(socket, pipe.Writer, format.Channels, cancellationToken); }
        catch (WebSocketException) { }   // the browser went away: that is letting go
        finally
        {
            await pipe.Writer.CompleteAsync();
            try { await talking; } catch (JsonRpcException) { }
            await refused;
        }
    }

    private static async Task ReceiveAsync(WebSocket socket, PipeWriter pcm, int channels, CancellationToken cancellationToken)
    {
        var message = new byte[MaxMessageBytes];
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult read;
            do
            {
                if (length == message.Length)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"a talk message holds at most {MaxMessageBytes} bytes", cancellationToken);
                    return;
                }
                read = await socket.ReceiveAsync(message.AsMemory(length), cancellationToken);
                length += read.Count;
            } while (!read.EndOfMessage && read.MessageType != WebSocketMessageType.Close);
            if (read.MessageType == WebSocketMessageType.Close) return;
            if (read.MessageType != WebSocketMessageType.Binary || length % sizeof(float) != 0) continue;   // only whole float samples count
            var mono = MemoryMarshal.Cast<byte, float>(message.AsSpan(0, length));
            var output = MemoryMarshal.Cast<byte, float>(pcm.GetSpan(mono.Length * channels * sizeof(float)));
            for (var i = 0; i < mono.Length; i++)
                for (var c = 0; c < channels; c++)
                    output[i * channels + c] = float.IsFinite(mono[i]) ? Math.Clamp(mono[i], -1f, 1f) : 0f;
            pcm.Advance(mono.Length * channels * sizeof(float));
            await pcm.FlushAsync(cancellationToken);
        }
    }

    private static Task SendAsync(WebSocket socket, object message, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message, PageJson.Options), WebSocketMessageType.Text, true, cancellationToken);
}
