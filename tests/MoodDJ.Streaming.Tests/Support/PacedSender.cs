using System.Diagnostics;
using System.Net;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Streaming.Tests.Support;

/// <summary>Sends PCM as RTP in real time (one frame per frame duration), the way a station paces.</summary>
internal static class PacedSender
{
    public static async Task SendAsync(RtpPacketizer packetizer, IDatagramSocket socket, IPEndPoint target, float[] pcm,
        CancellationToken cancellationToken, PacketProtector? protect = null)
    {
        var packet = new byte[packetizer.MaxPacketBytes + 16];
        var address = target.Serialize();
        var frames = pcm.Length / packetizer.FrameSamples;
        var frameTime = TimeSpan.FromSeconds((double)packetizer.FrameSamples / packetizer.Format.Channels / packetizer.Format.SampleRate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < frames; i++)
        {
            var due = frameTime * i;
            while (clock.Elapsed < due)
                await Task.Delay(1, cancellationToken);
            var length = packetizer.Packetize(pcm.AsSpan(i * packetizer.FrameSamples, packetizer.FrameSamples), packet);
            if (protect is not null) length = protect(packet, length);
            await socket.SendToAsync(packet.AsMemory(0, length), address, cancellationToken);
        }
    }
}
