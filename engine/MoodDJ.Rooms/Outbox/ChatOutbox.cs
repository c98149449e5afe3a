using System.Text.Json;

namespace MoodDJ.Rooms.Outbox;

/// <summary>One message written while offline, with the client id (nonce) it keeps across every retry and when it was written (null in files from before).</summary>
public sealed record OutboxEntry(string Room, string Text, string Nonce, DateTimeOffset? WrittenAt = null);

/// <summary>
/// A client's local outbox (seed 003's offline sync): what its user wrote while the server could not
/// be reached, kept in a JSON-lines file so it survives a restart of either side, and sent in order
/// when the connection is back. Exactly once: an entry leaves the file only after the server
/// acknowledged it, and a resend after a lost acknowledgement carries the same nonce, which the
/// server drops as a repeat (for rooms:nonceWindowMinutes). Each entry keeps when it was written,
/// which the sender passes as roomSay's writtenAt so it sorts where it was written, not where it
/// arrived. Not thread-safe across processes.
/// </summary>
public sealed class ChatOutbox
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly List<OutboxEntry> _entries = [];

    public ChatOutbox(string path)
    {
        _path = path;
        if (!File.Exists(path)) return;
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<OutboxEntry>(line) is { Room: not null, Text: not null, Nonce: not null } entry) _entries.Add(entry);
            }
            catch (JsonException)
            {
                // A line torn by a crash mid-append: it was never acknowledged to the user as queued.
            }
        }
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public IReadOnlyList<OutboxEntry> Pending
    {
        get { lock (_gate) return _entries.ToList(); }
    }

    /// <summary>Queues a message; it is on disk when this returns.</summary>
    /// <param name="nonce">The client id of a send whose reply was lost (so a resend is a repeat); a new one when null.</param>
    public OutboxEntry Add(string room, string text, string? nonce = null)
    {
        var entry = new OutboxEntry(room, text, nonce ?? "outbox-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry) + "\n"));
            stream.Flush(flushToDisk: true);
            _entries.Add(entry);
        }
        return entry;
    }

    /// <summary>
    /// Sends every entry, oldest first, each only after the one before was acknowledged
    /// (<paramref name="send"/> returned). Stops at the first failure, which it rethrows; what was not
    /// acknowledged stays for the next flush. Returns how many were delivered.
    /// </summary>
    public async Task<int> FlushAsync(Func<OutboxEntry, CancellationToken, Task> send, CancellationToken cancellationToken = default)
    {
        var delivered = 0;
        while (true)
        {
            OutboxEntry next;
            lock (_gate)
            {
                if (_entries.Count == 0) return delivered;
                next = _entries[0];
            }
            await send(next, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _entries.RemoveAt(0);
                Rewrite();
            }
            delivered++;
        }
    }

    // Write the rest beside the file and rename over it, so a crash leaves the old or the new list, never half.
    private void Rewrite()
    {
        var temp = _path + ".tmp";
        File.WriteAllLines(temp, _entries.Select(e => JsonSerializer.Serialize(e)));
        File.Move(temp, _path, overwrite: true);
    }
}
