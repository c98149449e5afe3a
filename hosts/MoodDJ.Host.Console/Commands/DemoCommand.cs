using System.CommandLine;
using System.Buffers;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Mood;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj demo "text"`: the real stack in one process over loopback — a station on free ports, a
/// player subscribed to it (RTP/SRTP through the jitter buffer) and a control client that sends the
/// prompt; the player's output (a WAV file by default) gets exactly --seconds of the music.
/// </summary>
internal sealed class DemoCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var text = new Argument<string>("text") { Description = "What you feel, e.g. \"I feel happy\"." };
        var seconds = new Option<double>("--seconds", "-s") { Description = "How many seconds of music to make.", DefaultValueFactory = _ => 15 };
        var output = new Option<string?>("--output", "-o") { Description = "Audio output plugin: wav, stdout, null, alsa (default: use:audioOutput)." };
        var outFile = new Option<string?>("--out") { Description = "WAV file to write (implies --output wav)." };
        var command = new Command("demo", "Run a station, a player and a client in this process over loopback: prompt a mood, hear the music the station streams.") { text, seconds, output, outFile };

        command.SetAction((parseResult, ct) =>
        {
            var length = parseResult.GetValue(seconds);
            if (!double.IsFinite(length) || length <= 0 || length > 24 * 3600)
            {
                System.Console.Error.WriteLine($"mooddj: error: --seconds must be above 0 and at most 86400, not {length}.");
                return Task.FromResult(CommandRunner.Failed);
            }
            var overrides = new Dictionary<string, string?>
            {
                // Both ends of the demo live in this process: an ephemeral station key (URL-safe, so
                // aead and fernet both accept it) means it runs with encryption and no setup.
                ["station:key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_'),
            };
            var outputName = parseResult.GetValue(output);
            if (parseResult.GetValue(outFile) is { } path)
            {
                overrides["plugins:settings:outputs:wavPath"] = Path.GetFullPath(path);
                outputName ??= "wav";
            }
            if (outputName is not null)
                overrides["use:audioOutput"] = outputName;
            return CommandRunner.RunAsync(parseResult, globals,
                (context, token) => RunAsync(context, parseResult.GetValue(text) ?? "", TimeSpan.FromSeconds(length), token), ct, overrides);
        });
        return command;
    }

    private static async Task<int> RunAsync(HostContext context, string text, TimeSpan length, CancellationToken ct)
    {
        // The real stack in one process over loopback: a station (free ports), a player subscribed
        // to it, and a control client that sends the prompt. The output gets exactly `length` of
        // audio, starting with the first sound the player plays.
        var console = ErrorConsole.Create();
        var engine = context.Engine;
        var options = StationOptions.From(context.Configuration);
        options.Bind = "127.0.0.1";
        options.ControlPort = options.StreamPort = options.HeartbeatPort = 0;
        options.MulticastGroup = null;
        var musicWarnings = new WarningTap("MoodDJ.Music");
        context.LoggerFactory.AddProvider(musicWarnings);
        options.ResumeLastMood = false;   // a demo plays its own prompt and leaves the server's last mood alone
        await using var station = StationFactory.Create(engine, context.LoggerFactory, options);
        await station.StartAsync(ct);

        await using var client = new StationControlClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = station.ControlEndPoint,
            ClientName = "mooddj demo",
            HeartbeatInterval = Timeout.InfiniteTimeSpan,
            AutoReconnect = false,
            CallTimeout = TimeSpan.FromSeconds(30),
        }, context.LoggerFactory.CreateLogger<StationClient>());
        // The station reports why music cannot start (an empty folder, no network): say that at once.
        string? stationError = null;
        client.ErrorReceived += e => stationError = e.Message;
        await client.ConnectAsync(ct);

        var format = options.Format;
        var output = new ExactLengthOutput(engine.AudioOutput(), format.SamplesFor(length));
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, output, IPAddress.Loopback,
            (port, token) => client.SubscribeAsync(port, token),
            new StationPlayerOptions(), context.LoggerFactory.CreateLogger<StationPlayer>()) { CodecFor = engine.CodecFor };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var playing = player.RunAsync(stop.Token);
        try
        {
            await player.FirstSamplePlayed.WaitAsync(TimeSpan.FromSeconds(15), ct);
            console.MarkupLine($"[grey]station on {Markup.Escape(station.ControlEndPoint.ToString()!)} · player on UDP {await player.Port} · {Markup.Escape(engine.Codec.EncodingName)}{(engine.Crypto.IsEncrypted ? " + SRTP" : "")}[/]");
            var reply = await client.PromptAsync(text, resumeAfterReconnect: false, ct);
            StationText.PrintPrompt(console, reply);

            await console.Progress().AutoClear(true).StartAsync(async progress =>
            {
                var task = progress.AddTask("playing", maxValue: output.Wanted);
                var deadline = DateTime.UtcNow + length + TimeSpan.FromSeconds(30);
                var noMusicBy = DateTime.UtcNow + TimeSpan.FromSeconds(2); // then a music warning is the cause
                while (!output.Complete.IsCompleted)
                {
                    if (output.Written == 0 && (stationError ?? (DateTime.UtcNow > noMusicBy ? musicWarnings.Last : null)) is { } why)
                        throw new UserFacingException($"No music: {why}");
                    if (DateTime.UtcNow > deadline || playing.IsCompleted)
                        throw new UserFacingException($"The player got {output.Written * 100L / output.Wanted} % of the music in time; see --verbose.");
                    await Task.WhenAny(output.Complete, Task.Delay(200, ct));
                    task.Value = output.Written;
                }
                task.Value = output.Wanted;
            });
        }
        finally
        {
            stop.Cancel();
            await playing;
        }
        console.MarkupLine($"[green]done[/] [grey]· player: {Markup.Escape(player.Stats.ToString())}[/]");
        if (string.Equals(context.Configuration["use:audioOutput"], "wav", StringComparison.OrdinalIgnoreCase))
            console.WriteLine($"wrote {Path.GetFullPath(context.Configuration["plugins:settings:outputs:wavPath"] ?? "mooddj.wav")} ({length.TotalSeconds:0.#} s)");
        return 0;
    }

    /// <summary>
    /// Passes exactly <see cref="Wanted"/> samples to the real output, beginning at the first sound
    /// (the silence before the prompt's music arrives is not written), then completes.
    /// </summary>
    private sealed class ExactLengthOutput(IAudioOutput inner, long wanted) : IAudioOutput, IAudioPlayback
    {
        private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IAudioPlayback? _playback;
        private long _written;
        private bool _started;

        public long Wanted => wanted;
        public long Written => Interlocked.Read(ref _written);
        public Task Complete => _complete.Task;
        public AudioFormat Format => _playback?.Format ?? AudioFormat.SeedMono;

        public async ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
        {
            _playback ??= await inner.OpenAsync(format, cancellationToken);
            return this;
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
        {
            if (_playback is null || _complete.Task.IsCompleted) return;
            if (!_started)
            {
                var first = samples.Span.IndexOfAnyExceptInRange(-1e-4f, 1e-4f);
                if (first < 0) return;
                first -= first % Format.Channels;
                samples = samples[first..];
                _started = true;
            }
            var room = (int)Math.Min(samples.Length, wanted - _written);
            await _playback.WriteAsync(samples[..room], cancellationToken);
            if (Interlocked.Add(ref _written, room) >= wanted)
            {
                await _playback.DrainAsync(CancellationToken.None);
                _complete.TrySetResult();
            }
        }

        public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            if (_playback is not null) await _playback.DisposeAsync();
        }
    }
}
