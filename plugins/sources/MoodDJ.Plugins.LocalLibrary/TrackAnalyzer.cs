using System.Runtime.InteropServices;
using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Exceptions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Plugins.Shared.Processes;
using MoodDJ.Plugins.Shared.Audio;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>Tags, duration and measured features of one file, or why it was skipped.</summary>
public sealed record TrackAnalysis(string Title, string Artist, TimeSpan? Duration, AudioFeatures Features);

/// <summary>A file that is not playable audio; <see cref="Exception.Message"/> is the logged reason.</summary>
public sealed class UnplayableFileException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>Analyses one file: ffprobe for tags and duration (read by FFMpegCore), then ffmpeg decodes an excerpt for the DSP.</summary>
public sealed class TrackAnalyzer(LocalLibraryOptions options)
{
    public async Task<TrackAnalysis> AnalyzeAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new UnplayableFileException("the file disappeared");
        if (info.Length == 0) throw new UnplayableFileException("the file is empty (0 bytes)");
        if (info.Length > options.MaxFileMegabytes * 1024 * 1024)
            throw new UnplayableFileException($"the file is larger than maxFileMegabytes ({options.MaxFileMegabytes} MB)");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.AnalysisTimeoutSeconds));
        try
        {
            var (title, artist, duration) = await ProbeAsync(path, timeout.Token).ConfigureAwait(false);
            var excerpt = await DecodeExcerptAsync(path, duration, timeout.Token).ConfigureAwait(false);
            if (excerpt.Length < options.AnalysisSampleRate / 10)
                throw new UnplayableFileException("ffmpeg decoded less than 0.1 s of audio");
            var features = FeatureExtractor.Analyze(excerpt, options.AnalysisSampleRate);
            if (string.IsNullOrWhiteSpace(title)) title = Path.GetFileNameWithoutExtension(path);
            return new TrackAnalysis(title, artist, duration, features);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UnplayableFileException($"analysis took longer than analysisTimeoutSeconds ({options.AnalysisTimeoutSeconds} s)");
        }
        catch (ExecutableNotFoundException)
        {
            throw; // not this file's fault: indexing cannot work at all
        }
        catch (ProcessCommandException e)
        {
            throw new UnplayableFileException(e.Message, e);
        }
    }

    /// <summary>
    /// ffprobe is run here (an argument list with "--", bounded output, the stderr tail in errors, kill on
    /// cancel); FFMpegCore's <see cref="FFProbe.FromJson"/> reads its answer into a typed model. Not
    /// <c>FFProbe.AnalyseAsync(path)</c>: it passes the path inside one quoted argument string, so a file
    /// named <c>12" Mix.mp3</c> would fail (see docs/music.md).
    /// </summary>
    private async Task<(string Title, string Artist, TimeSpan? Duration)> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var result = await new ProcessCommand(options.FfprobePath)
            .WithArguments("-v", "error", "-sexagesimal", // FFMpegCore reads h:mm:ss.ffffff only; plain seconds would become zero
                "-show_entries", "format=duration:format_tags=title,artist:stream=codec_type,sample_rate,channels:stream_tags=title,artist",
                "-of", "json", "--", path)
            .ExecuteBufferedAsync(256 * 1024, cancellationToken).ConfigureAwait(false);
        IMediaAnalysis analysis;
        try
        {
            analysis = FFProbe.FromJson(result.StandardOutput);
        }
        catch (Exception e) when (e is FFProbeException or JsonException)
        {
            throw new UnplayableFileException($"ffprobe gave no usable description ({e.Message})", e);
        }
        var audio = analysis.PrimaryAudioStream ?? throw new UnplayableFileException("ffprobe found no audio stream");
        if (audio.SampleRateHz is not > 0 || audio.Channels is not > 0)
            throw new UnplayableFileException("ffprobe found an audio stream without a sample rate or channels (a corrupt file?)");

        // Tag dictionaries are case-insensitive; Ogg and Opus keep tags on the stream, MP3 and FLAC on the format.
        string Tag(string key) => analysis.Format.Tags?.GetValueOrDefault(key) is { Length: > 0 } value ? value
            : analysis.AudioStreams.Select(s => s.Tags?.GetValueOrDefault(key)).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
        TimeSpan? duration = analysis.Format.Duration > TimeSpan.Zero ? analysis.Format.Duration : null;
        return (Tag("title"), Tag("artist"), duration);
    }

    /// <summary>Decodes up to excerptSeconds of mono PCM from the middle-ish of the track (intros are unrepresentative).</summary>
    private async Task<float[]> DecodeExcerptAsync(string path, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var length = TimeSpan.FromSeconds(options.ExcerptSeconds);
        var start = duration is { } d && d > length * 2 ? TimeSpan.FromSeconds(Math.Min(d.TotalSeconds * 0.25, 60)) : TimeSpan.Zero;
        var format = new AudioFormat(options.AnalysisSampleRate, 1);
        var command = new ProcessCommand(options.FfmpegPath).WithArguments(FfmpegArguments.DecodeToPcm(path, format, start, length));
        await using var running = command.Start();
        var maxBytes = (int)(options.ExcerptSeconds * options.AnalysisSampleRate + options.AnalysisSampleRate) * sizeof(float);
        var bytes = new byte[maxBytes];
        var total = 0;
        int n;
        while (total < maxBytes && (n = await running.StandardOutput.ReadAsync(bytes.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            total += n;
        await running.EnsureSuccessAsync(cancellationToken).ConfigureAwait(false);
        return MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, total - total % sizeof(float))).ToArray();
    }
}
