using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>
/// The plugin's own settings (<c>plugins:settings:udp</c>): floors for the OS socket buffers, applied
/// when a caller asks for less. Zero keeps whatever the caller asked for.
/// </summary>
public sealed record UdpTransportSettings
{
    public const int MaxBufferBytes = 64 << 20;

    public int MinReceiveBufferBytes { get; init; }

    public int MinSendBufferBytes { get; init; }

    public void Validate(string path)
    {
        SettingsRules.Range(path, "minReceiveBufferBytes", MinReceiveBufferBytes, 0, MaxBufferBytes);
        SettingsRules.Range(path, "minSendBufferBytes", MinSendBufferBytes, 0, MaxBufferBytes);
    }
}
