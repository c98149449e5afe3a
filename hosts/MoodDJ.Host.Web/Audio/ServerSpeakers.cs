using MoodDJ.Client;
using MoodDJ.Hosting;

namespace MoodDJ.Host.Web.Audio;

/// <summary>
/// "Play on the server's speakers": one more listener on the host whose output is the configured
/// audio output plugin (<c>use:audioOutput</c>: alsa, wav, …), switched on and off from the page.
/// </summary>
public sealed class ServerSpeakers(MoodDJEngine engine, BrowserListeners listeners) : IAsyncDisposable
{
    public const string Name = "server speakers";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _stop;
    private Task? _playing;

    public bool On => _playing is { IsCompleted: false };

    /// <summary>The output plugin's name, shown beside the switch.</summary>
    public string Output => engine.Use.AudioOutput ?? "none";

    public string? LastError { get; private set; }

    public async Task SetAsync(bool on, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (on == On) return;
            if (!on)
            {
                await StopAsync();
                return;
            }
            LastError = null;
            var player = listeners.Create(engine.AudioOutput(), Name, out var detach);
            listeners.Track(Name, player);
            _stop = new CancellationTokenSource();
            _playing = RunAsync(player, detach, _stop.Token);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(StationPlayer player, Action detach, CancellationToken cancellationToken)
    {
        try
        {
            await player.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LastError = $"The server's output '{Output}' failed: {e.Message}";
        }
        finally
        {
            detach();
            listeners.Forget(Name);
        }
    }

    private async Task StopAsync()
    {
        _stop?.Cancel();
        if (_playing is not null) await _playing;
        _stop?.Dispose();
        _stop = null;
        _playing = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
