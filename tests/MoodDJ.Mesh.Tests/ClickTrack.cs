using System.Buffers.Binary;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// A folder holding one WAV of clicks (or several copies) (44.1 kHz mono, 16-bit) for the <c>local</c> music source: a
/// sharp click (an impulse and 2 ms of decaying noise) at irregular intervals of 80–160 ms, so a
/// click matches only itself when two recordings are cross-correlated.
/// </summary>
internal sealed class ClickTrack : IDisposable
{
    public ClickTrack(int seconds = 120, int files = 1)
    {
        Folder = Path.Combine(Path.GetTempPath(), "mooddj-clicks-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        const int rate = 44100;
        var samples = new short[rate * seconds];
        var random = new Random(11);
        for (var at = rate / 10; at < samples.Length - rate; at += random.Next(rate * 80 / 1000, rate * 160 / 1000))
        {
            samples[at] = 29000;
            for (var i = 1; i < rate * 2 / 1000; i++)
                samples[at + i] = (short)((random.NextDouble() * 2 - 1) * 20000 * Math.Exp(-i / 20.0));
        }
        for (var f = 0; f < files; f++)
            File.WriteAllBytes(Path.Combine(Folder, f == 0 ? "clicks.wav" : $"clicks{f + 1}.wav"), Wav(samples, rate));
    }

    public string Folder { get; }

    /// <summary>Settings that make a station play this folder.</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        settings["use:musicSources:0"] = "local";
        settings["plugins:settings:local:folder"] = Folder;
        settings["plugins:settings:local:database"] = Path.Combine(Folder, "index.db");
    }

    private static byte[] Wav(short[] samples, int rate)
    {
        var data = samples.Length * 2;
        var bytes = new byte[44 + data];
        var span = bytes.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + data);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], rate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], data);
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], samples[i]);
        return bytes;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
