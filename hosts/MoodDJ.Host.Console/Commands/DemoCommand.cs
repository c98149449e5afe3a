using System.CommandLine;
using System.Buffers;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Mood;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj demo "text"`: the whole idea in one process — read the mood, pick a fitting track from
/// the configured music sources, and play it to the configured output (a WAV file by default).
/// </summary>
internal sealed class DemoCommand : ICliCommand
{
    private static readonly TimeSpan Block = TimeSpan.FromMilliseconds(100);

    public Command Create(GlobalOptions globals)
    {
        var text = new Argument<string>("text") { Description = "What you feel, e.g. \"I feel happy\"." };
        var seconds = new Option<double>("--seconds", "-s") { Description = "How many seconds of music to make.", DefaultValueFactory = _ => 15 };
        var output = new Option<string?>("--output", "-o") { Description = "Audio output plugin: wav, stdout, null, alsa (default: use:audioOutput)." };
        var outFile = new Option<string?>("--out") { Description = "WAV file to write (implies --output wav)." };
        var command = new Command("demo", "Analyze a mood, find fitting music and play it, all in this process.") { text, seconds, output, outFile };

        command.SetAction((parseResult, ct) =>
        {
            var length = parseResult.GetValue(seconds);
            if (!double.IsFinite(length) || length <= 0 || length > 24 * 3600)
            {
                System.Console.Error.WriteLine($"mooddj: error: --seconds must be between 0 and 86400, not {length}.");
                return Task.FromResult(CommandRunner.Failed);
            }
            var overrides = new Dictionary<string, string?>();
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
        var console = ErrorConsole.Create();
        var engine = context.Engine;
        var reading = await engine.MoodAnalyzer.AnalyzeAsync(text, ct);
        AnalyzeCommand.Print(reading, console);

        var format = AudioFormat.SeedMono;
        var (track, stream) = await OpenFirstPlayableAsync(engine.MusicSources, reading, format, console, ct);
        await using var _ = stream;
        console.MarkupLine($"now playing [bold]{Markup.Escape(track.ToString())}[/] [grey]({Markup.Escape(track.Source)})[/]");

        var playback = await engine.AudioOutput().OpenAsync(format, ct);
        await using (playback)
        {
            var total = format.SamplesFor(length);
            var buffer = ArrayPool<float>.Shared.Rent(format.SamplesFor(Block));
            try
            {
                await console.Progress().AutoClear(true).StartAsync(async progress =>
                {
                    var task = progress.AddTask("playing", maxValue: total);
                    var written = 0;
                    while (written < total)
                    {
                        var want = Math.Min(format.SamplesFor(Block), total - written);
                        var read = await stream.ReadAsync(buffer.AsMemory(0, want), ct);
                        if (read == 0) break; // the track ended before the requested length
                        await playback.WriteAsync(buffer.AsMemory(0, read), ct);
                        written += read;
                        task.Value = written;
                    }
                    task.Value = total;
                });
            }
            finally
            {
                ArrayPool<float>.Shared.Return(buffer);
            }
            await playback.DrainAsync(ct);
        }
        console.MarkupLine("[green]done[/]");
        return 0;
    }

    /// <summary>Tries each source in the configured order; a source that fails or finds nothing passes to the next.</summary>
    private static async Task<(TrackInfo Track, IPcmStream Stream)> OpenFirstPlayableAsync(
        IReadOnlyList<IMusicSource> sources, MoodReading mood, AudioFormat format, IAnsiConsole console, CancellationToken ct)
    {
        var reasons = new List<string>();
        foreach (var source in sources)
        {
            try
            {
                await foreach (var track in source.FindTracksAsync(mood, 3, ct))
                    return (track, await source.OpenAsync(track, format, ct));
                reasons.Add($"{source.GetType().Name}: no track fits");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                reasons.Add($"{source.GetType().Name}: {ex.Message}");
                console.MarkupLine($"[yellow]skipping a music source: {Markup.Escape(ex.Message)}[/]");
            }
        }
        throw new UserFacingException("No music source could play anything (" + string.Join("; ", reasons) + "). Check use:musicSources in mooddj.json.");
    }
}
