using Microsoft.Extensions.Configuration;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>
/// The plugin's own settings (<c>plugins:settings:udp</c>): floors for the OS socket buffers, applied
/// when a caller asks for less. Zero keeps whatever the caller asked for.
/// </summary>
public sealed record UdpTransportSettings(int MinReceiveBufferBytes = 0, int MinSendBufferBytes = 0)
{
    public const int MaxBufferBytes = 64 << 20;

    public static UdpTransportSettings From(IConfiguration? settings)
    {
        if (settings is null) return new UdpTransportSettings();
        int Read(string key)
        {
            var text = settings[key];
            if (string.IsNullOrWhiteSpace(text)) return 0;
            if (!int.TryParse(text, out var value) || value < 0 || value > MaxBufferBytes)
                throw new ArgumentException($"plugins:settings:udp:{key} must be a byte count 0..{MaxBufferBytes}, not '{text}'.");
            return value;
        }
        return new UdpTransportSettings(Read("minReceiveBufferBytes"), Read("minSendBufferBytes"));
    }
}
