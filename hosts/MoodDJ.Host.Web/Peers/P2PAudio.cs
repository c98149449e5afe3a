using MoodDJ.Abstractions.Audio;
using MoodDJ.Host.Web.Audio;

namespace MoodDJ.Host.Web.Peers;

/// <summary>
/// While the P2P stream is on, the browsers listen through the host's relaying mesh peer: this is
/// that peer's audio output, and it copies every frame to each browser's audio socket. Switching the
/// stream on or off closes the browsers' audio sockets (<see cref="Switched"/>); they reconnect by
/// themselves and land on the new path. The attached list is copied on change, so a frame allocates nothing.
/// </summary>
public sealed class P2PAudio : IAudioOutput, IAudioPlayback
{
    private readonly Lock _gate = new();
    private volatile BrowserAudioOutput[] _browsers = [];
    private volatile bool _opened;

    /// <summary>True while the host's mesh peer is the browsers' source.</summary>
    public bool Active { get; private set; }

    public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

    /// <summary>How long the audio being written has been on its way since the station's pump (the peer's buffer depth).</summary>
    public Func<TimeSpan> SincePump { get; set; } = () => TimeSpan.Zero;

    /// <summary>Raised after the source changes: every browser's audio socket should reconnect.</summary>
    public event Action? Switched;

    public void Switch(bool active)
    {
        Active = active;
        if (!active) _opened = false;
        Switched?.Invoke();
    }

    /// <summary>Adds a browser; it gets the format at once when the peer is already playing.</summary>
    public async Task AttachAsync(BrowserAudioOutput browser, CancellationToken cancellationToken)
    {
        // The format goes first, and only then frames: a socket takes one send at a time.
        if (_opened) await browser.OpenAsync(Format, cancellationToken);
        lock (_gate) _browsers = [.. _browsers, browser];
    }

    public void Detach(BrowserAudioOutput browser)
    {
        lock (_gate) _browsers = Array.FindAll(_browsers, b => b != browser);
    }

    public async ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        _opened = true;
        foreach (var browser in _browsers)
        {
            try { await browser.OpenAsync(format, cancellationToken); }
            catch (Exception e) when (Gone(e)) { Detach(browser); }
        }
        return this;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        // A browser that went away must not stop the peer: it is dropped, the others keep playing.
        foreach (var browser in _browsers)
        {
            try { await browser.WriteAsync(samples, cancellationToken); }
            catch (Exception e) when (Gone(e)) { Detach(browser); }
        }
    }

    private static bool Gone(Exception e) => e is IOException or System.Net.WebSockets.WebSocketException or ObjectDisposedException;

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
