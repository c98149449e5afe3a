using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Plugins.Shared.Processes;

namespace MoodDJ.Plugins.Icecast;

/// <summary>
/// Feeds PCM to an ffmpeg that encodes it (libopus or libmp3lame) and pushes it to Icecast as a source.
/// Writes never block the player: they go into a bounded queue that drops the oldest audio when ffmpeg or
/// the network stalls. When ffmpeg exits (Icecast restarted, the network dropped) a new one is started
/// after <see cref="IcecastSettings.ReconnectDelayMs"/>, and the audio in between is dropped and counted.
/// </summary>
internal sealed class IcecastPlayback : IAudioPlayback
{
    private readonly IcecastSettings _settings;
    private readonly ILogger _log;
    private readonly Channel<Chunk> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private long _droppedSamples, _connections;

    public IcecastPlayback(IcecastSettings settings, AudioFormat format, ILogger? logger)
    {
        _settings = settings;
        _log = logger ?? NullLogger.Instance;
        Format = format;
        // Chunks are whatever the player writes (about 10–20 ms); size the queue in chunks of 10 ms to bound it in time.
        int capacity = Math.Max(4, settings.MaxBufferedMs / 10);
        _queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => { Interlocked.Add(ref _droppedSamples, dropped.Length / sizeof(float)); dropped.Return(); });
        _pump = Task.Run(() => PumpAsync(_stop.Token));
    }

    public AudioFormat Format { get; }

    /// <summary>Samples dropped because Icecast was away or slow.</summary>
    public long DroppedSamples => Interlocked.Read(ref _droppedSamples);

    /// <summary>How many times ffmpeg was started (1 + reconnections).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.Length % Format.Channels != 0)
            throw new ArgumentException($"{samples.Length} samples is not a whole number of {Format.Channels}-channel frames.", nameof(samples));
        int bytes = samples.Length * sizeof(float);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bytes);
        MemoryMarshal.AsBytes(samples.Span).CopyTo(buffer);
        if (!_queue.Writer.TryWrite(new Chunk(buffer, bytes))) ArrayPool<byte>.Shared.Return(buffer);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DrainAsync(CancellationToken cancellationToken = default)
    {
        while (_queue.Reader.Count > 0 && !_pump.IsCompleted) await Task.Delay(10, cancellationToken);
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            RunningProcess ffmpeg;
            try
            {
                ffmpeg = Command().Start();
                Interlocked.Increment(ref _connections);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError("icecast: could not start {Ffmpeg}: {Error}", _settings.FfmpegPath, e.Message);
                await DropForAsync(cancellationToken);
                continue;
            }
            await using (ffmpeg)
            {
                try
                {
                    while (!ffmpeg.HasExited)
                    {
                        Chunk chunk = await _queue.Reader.ReadAsync(cancellationToken);
                        try { await ffmpeg.StandardInput!.WriteAsync(chunk.Buffer.AsMemory(0, chunk.Length), cancellationToken); }
                        finally { chunk.Return(); }
                    }
                }
                catch (IOException) { }
                catch (OperationCanceledException) { ffmpeg.CloseStandardInput(); await ffmpeg.CloseAsync(TimeSpan.FromSeconds(2)); return; }
                _log.LogWarning("icecast: the push to {Url} stopped ({Reason}); trying again in {Delay} ms", _settings.Url,
                    HidePassword(ffmpeg.StderrTail.Trim().Split('\n')[^1], _settings.Password), _settings.ReconnectDelayMs);
            }
            await DropForAsync(cancellationToken);
        }
    }

    /// <summary>Waits out the reconnect delay, dropping (and counting) what the player writes meanwhile.</summary>
    private async Task DropForAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(_settings.ReconnectDelayMs, cancellationToken);
        while (_queue.Reader.TryRead(out Chunk chunk))
        {
            Interlocked.Add(ref _droppedSamples, chunk.Length / sizeof(float));
            chunk.Return();
        }
    }

    /// <summary>ffmpeg's errors quote the URL it was given, source password included: keep it out of the log.</summary>
    internal static string HidePassword(string text, string password) => string.IsNullOrEmpty(password) ? text
        : text.Replace(Uri.EscapeDataString(password), "***", StringComparison.Ordinal).Replace(password, "***", StringComparison.Ordinal);

    private ProcessCommand Command()
    {
        var uri = new Uri(_settings.Url);
        string target = $"icecast://{Uri.EscapeDataString(_settings.User)}:{Uri.EscapeDataString(_settings.Password)}@{uri.Authority}{uri.AbsolutePath}";
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "f32le", "-ar", Format.SampleRate.ToString(CultureInfo.InvariantCulture), "-ac", Format.Channels.ToString(CultureInfo.InvariantCulture), "-i", "pipe:0",
        };
        if (_settings.Format == "opus")
        {
            if (Format.SampleRate != 48000) args.AddRange(["-ar", "48000"]); // libopus runs at 48 kHz
            args.AddRange(["-c:a", "libopus", "-b:a", $"{_settings.BitrateKbps}k", "-frame_duration", "20", "-page_duration", "20000",
                "-f", "ogg", "-content_type", "application/ogg"]);
        }
        else
            args.AddRange(["-c:a", "libmp3lame", "-b:a", $"{_settings.BitrateKbps}k", "-f", "mp3", "-content_type", "audio/mpeg"]);
        args.AddRange(["-flush_packets", "1", "-ice_name", _settings.StreamName, "-ice_description", _settings.Description, target]);
        return new ProcessCommand(_settings.FfmpegPath).WithArguments(args).WithStandardInput();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_queue.Reader.TryRead(out Chunk chunk)) chunk.Return();
        _stop.Dispose();
    }

    private readonly record struct Chunk(byte[] Buffer, int Length)
    {
        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
