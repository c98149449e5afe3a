using System.IO.Compression;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon.Model;

/// <summary>
/// A multinomial logistic regression over <see cref="MoodFeatures"/>: one weight per hashed feature
/// and mood (neutral … romantic; there is no focused training data), plus a bias per mood. Stored
/// as 8-bit weights with one scale per mood, gzip-compressed (a couple of MB). Thread-safe to read.
/// </summary>
public sealed class MoodModel
{
    /// <summary>The moods the model knows, in the order of its outputs (MoodLabel values 0..6).</summary>
    public const int Classes = 7;
    private const uint Magic = 0x4D4A444D; // "MDJM"
    private const int FormatVersion = 1;

    private readonly float[] _weights; // [feature * Classes + mood]
    private readonly float[] _bias;

    internal MoodModel(float[] weights, float[] bias)
    {
        if (weights.Length != MoodFeatures.Buckets * Classes || bias.Length != Classes)
            throw new ArgumentException("Weights do not fit the feature space.");
        _weights = weights;
        _bias = bias;
    }

    internal ReadOnlySpan<float> Weights => _weights;
    internal ReadOnlySpan<float> Bias => _bias;

    public static MoodLabel LabelOf(int k) => (MoodLabel)k;

    /// <summary>Writes the mood probabilities of <paramref name="text"/> into <paramref name="probabilities"/> (length <see cref="Classes"/>); returns how many features the text had.</summary>
    public int Predict(string text, Span<double> probabilities)
    {
        var features = Features.Value!;
        features.Clear();
        MoodFeatures.Extract(text, features);
        Span<double> z = stackalloc double[Classes];
        for (var k = 0; k < Classes; k++) z[k] = 0;
        foreach (var f in features)
        {
            var row = _weights.AsSpan(f * Classes, Classes);
            for (var k = 0; k < Classes; k++) z[k] += row[k];
        }
        var scale = features.Count > 0 ? 1 / Math.Sqrt(features.Count) : 0;
        for (var k = 0; k < Classes; k++) z[k] = z[k] * scale + _bias[k];
        Softmax(z, probabilities);
        return features.Count;
    }

    private static readonly ThreadLocal<List<int>> Features = new(() => new List<int>(256));

    internal static void Softmax(ReadOnlySpan<double> z, Span<double> p)
    {
        var max = double.NegativeInfinity;
        for (var k = 0; k < Classes; k++) max = Math.Max(max, z[k]);
        double sum = 0;
        for (var k = 0; k < Classes; k++) sum += p[k] = Math.Exp(z[k] - max);
        for (var k = 0; k < Classes; k++) p[k] /= sum;
    }

    /// <summary>Saves the model quantized to 8 bits per weight (one scale per mood) and gzip-compressed.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new BinaryWriter(gzip);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(MoodFeatures.Version);
        writer.Write(MoodFeatures.Buckets);
        writer.Write(Classes);
        var scales = new float[Classes];
        for (var i = 0; i < _weights.Length; i++)
            scales[i % Classes] = Math.Max(scales[i % Classes], Math.Abs(_weights[i]) / 127f);
        foreach (var b in _bias) writer.Write(b);
        foreach (var s in scales) writer.Write(s);
        var bytes = new byte[_weights.Length];
        for (var i = 0; i < _weights.Length; i++)
        {
            var s = scales[i % Classes];
            bytes[i] = (byte)(sbyte)(s == 0 ? 0 : Math.Clamp(MathF.Round(_weights[i] / s), -127, 127));
        }
        writer.Write(bytes);
    }

    /// <summary>Loads a model file; throws <see cref="InvalidDataException"/> naming the file when it is not one this build can use.</summary>
    public static MoodModel Load(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new BinaryReader(gzip);
            if (reader.ReadUInt32() != Magic) throw new InvalidDataException("not a MoodDJ mood model");
            var format = reader.ReadInt32();
            var features = reader.ReadInt32();
            if (format != FormatVersion || features != MoodFeatures.Version)
                throw new InvalidDataException($"model format {format}/features {features}; this build reads {FormatVersion}/{MoodFeatures.Version}; retrain it");
            if (reader.ReadInt32() != MoodFeatures.Buckets || reader.ReadInt32() != Classes)
                throw new InvalidDataException("feature space differs from this build's; retrain it");
            var bias = new float[Classes];
            var scales = new float[Classes];
            for (var k = 0; k < Classes; k++) bias[k] = reader.ReadSingle();
            for (var k = 0; k < Classes; k++) scales[k] = reader.ReadSingle();
            var bytes = reader.ReadBytes(MoodFeatures.Buckets * Classes);
            if (bytes.Length != MoodFeatures.Buckets * Classes) throw new InvalidDataException("file is truncated");
            var weights = new float[bytes.Length];
            for (var i = 0; i < bytes.Length; i++) weights[i] = (sbyte)bytes[i] * scales[i % Classes];
            return new MoodModel(weights, bias);
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException && e is not FileNotFoundException)
        {
            throw new InvalidDataException($"Mood model '{path}': {e.Message}", e);
        }
    }
}
