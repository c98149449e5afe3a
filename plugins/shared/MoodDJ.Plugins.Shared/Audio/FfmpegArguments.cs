using System.Globalization;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Plugins.Shared.Audio;

/// <summary>ffmpeg command lines MoodDJ uses to decode audio to float PCM.</summary>
public static class FfmpegArguments
{
    /// <summary>
    /// Decodes <paramref name="input"/> (a path, or "pipe:0") from <paramref name="position"/>
    /// (input seek: fast and sample-accurate) to interleaved f32le in <paramref name="format"/> on stdout.
    /// </summary>
    public static List<string> DecodeToPcm(string input, AudioFormat format, TimeSpan position, TimeSpan? length = null)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "error" };
        if (position > TimeSpan.Zero)
            args.AddRange(["-ss", Seconds(position)]);
        args.AddRange(["-i", input]);
        if (length is { } l)
            args.AddRange(["-t", Seconds(l)]);
        args.AddRange(["-vn", "-sn", "-dn", "-f", "f32le", "-acodec", "pcm_f32le",
            "-ac", format.Channels.ToString(CultureInfo.InvariantCulture),
            "-ar", format.SampleRate.ToString(CultureInfo.InvariantCulture), "-"]);
        return args;
    }

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
}
