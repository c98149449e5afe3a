using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Icecast;

/// <summary>"icecast": each playback session is one source connection to the configured mount.</summary>
public sealed class IcecastAudioOutput(IcecastSettings settings, ILogger? logger = null) : IAudioOutput
{
    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrEmpty(settings.Password))
            throw new InvalidOperationException("The icecast output needs the mount's source password: set plugins:settings:icecast:password (the <source-password> in icecast.xml).");
        return ValueTask.FromResult<IAudioPlayback>(new IcecastPlayback(settings, format, logger));
    }
}
