namespace MoodDJ.Plugins.Shared.Processes;

/// <summary>The last N characters a program wrote to standard error (thread-safe, bounded).</summary>
internal sealed class StderrTail(int capacity)
{
    private readonly char[] _ring = new char[capacity];
    private long _written;

    public void Append(ReadOnlySpan<char> text)
    {
        lock (_ring)
        {
            if (text.Length > _ring.Length) text = text[^_ring.Length..];
            foreach (var c in text)
                _ring[_written++ % _ring.Length] = c;
        }
    }

    public override string ToString()
    {
        lock (_ring)
        {
            if (_written <= _ring.Length) return new string(_ring, 0, (int)_written);
            var start = (int)(_written % _ring.Length);
            return string.Concat(_ring.AsSpan(start), _ring.AsSpan(0, start));
        }
    }
}
