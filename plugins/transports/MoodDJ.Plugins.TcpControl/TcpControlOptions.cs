using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.TcpControl;

/// <summary>Socket settings of the tcp transport (<c>plugins:settings:tcp</c>; limits on frames come from ControlLimits).</summary>
public sealed record TcpControlOptions
{
    /// <summary>Pending connections the OS queues before the accept loop takes them.</summary>
    public int Backlog { get; init; } = 512;

    /// <summary>Bytes read from the socket at a time; larger frame bodies are read straight into the caller's buffer.</summary>
    public int ReceiveBufferBytes { get; init; } = 16 * 1024;

    public void Validate(string path)
    {
        SettingsRules.Range(path, "backlog", Backlog, 1, 65535);
        SettingsRules.Range(path, "receiveBufferBytes", ReceiveBufferBytes, 512, 16 << 20);
    }
}
