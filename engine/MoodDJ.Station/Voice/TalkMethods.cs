using System.Text.Json;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station.Voice;

/// <summary>
/// The <c>talk</c> method: a client pushes voice frames (base64, in the station's codec and format)
/// and the station mixes them over the music. A session talks as its resume token, so a reconnect
/// goes on with the same voice. Refusals are errors naming the cause; the music goes on either way.
/// </summary>
internal sealed class TalkMethods(LiveStation station)
{
    /// <summary>Frames one call may carry (a client batching 100 ms of 20 ms frames stays well inside).</summary>
    public const int MaxFramesPerCall = 10;

    /// <summary>One encoded frame, decoded from base64 (an Opus packet is at most 1275 bytes).</summary>
    public const int MaxFrameBytes = 1500;

    public TalkResult Talk(StationSession state, JsonElement parameters)
    {
        if (station.Options.MaxTalkers == 0)
            throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, "Talking over the music is off on this station (station:maxTalkers is 0).");
        var accepted = 0;
        if (ParamReader.TryGetElement(parameters, "frames", out var frames))
        {
            if (frames.ValueKind != JsonValueKind.Array)
                throw JsonRpcException.InvalidParams("'frames' must be an array of base64 strings.");
            if (frames.GetArrayLength() > MaxFramesPerCall)
                throw JsonRpcException.InvalidParams($"'frames' holds {frames.GetArrayLength()} frames; the limit is {MaxFramesPerCall} per call.");
            Span<byte> frame = stackalloc byte[MaxFrameBytes];
            foreach (var item in frames.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !Convert.TryFromBase64String(item.GetString()!, frame, out var length) || length == 0)
                    throw JsonRpcException.InvalidParams($"frame {accepted + 1} of 'frames' is not base64 of at most {MaxFrameBytes} bytes.");
                if (!station.Talk.TryAdd(state.ResumeToken, frame[..length], out var refusal))
                    throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, refusal!);
                accepted++;
                Interlocked.Increment(ref station.Counters.talkFrames);
            }
        }
        if (ParamReader.OptionalBool(parameters, "end")) station.Talk.End(state.ResumeToken);
        return new TalkResult(accepted, station.Talk.Talking);
    }
}
