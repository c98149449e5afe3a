namespace MoodDJ.Plugins.Outputs;

/// <summary>Converts float blocks to s16le through one reused buffer and writes them to a stream.</summary>
internal sealed class Pcm16StreamWriter(Stream stream)
{
    private const int ChunkSamples = 8192;
    private readonly byte[] _buffer = new byte[ChunkSamples * 2];

    public long BytesWritten { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < samples.Length; offset += ChunkSamples)
        {
            var chunk = samples.Slice(offset, Math.Min(ChunkSamples, samples.Length - offset));
            Pcm16.ToLittleEndian(chunk.Span, _buffer);
            await stream.WriteAsync(_buffer.AsMemory(0, chunk.Length * 2), cancellationToken).ConfigureAwait(false);
            BytesWritten += chunk.Length * 2;
        }
    }
}
