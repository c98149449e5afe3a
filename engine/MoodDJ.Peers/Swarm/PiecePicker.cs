namespace MoodDJ.Peers.Swarm;

/// <summary>
/// Chooses which piece each peer fetches next: the rarest piece the peer has that nobody is fetching yet
/// (rarest first spreads copies, so the swarm survives seeds leaving). Once every missing piece is being
/// fetched, an idle peer duplicates the piece with the fewest fetchers (endgame), so one slow peer cannot
/// hold up the last piece. A piece is fetched whole from one peer, so a bad hash names exactly one culprit.
/// </summary>
public sealed class PiecePicker
{
    private readonly int[] _availability;
    private readonly int[] _fetchers;
    private readonly bool[] _done;
    private readonly Lock _lock = new();
    private readonly Random _random = new();

    public PiecePicker(int pieceCount, PieceStore store)
    {
        _availability = new int[pieceCount];
        _fetchers = new int[pieceCount];
        _done = new bool[pieceCount];
        for (int i = 0; i < pieceCount; i++) _done[i] = store.Has(i);
    }

    public bool InEndgame { get; private set; }

    public void PeerHas(int piece) { lock (_lock) _availability[piece]++; }
    public void PeerGone(bool[] pieces)
    {
        lock (_lock)
            for (int i = 0; i < pieces.Length; i++)
                if (pieces[i]) _availability[i]--;
    }

    /// <summary>The next piece for a peer holding <paramref name="peerHas"/>, or -1 when it has nothing we need.</summary>
    public int Pick(bool[] peerHas)
    {
        lock (_lock)
        {
            int best = -1, bestAvailability = int.MaxValue, ties = 0;
            for (int i = 0; i < _done.Length; i++)
            {
                if (_done[i] || !peerHas[i] || _fetchers[i] > 0) continue;
                if (_availability[i] < bestAvailability) { best = i; bestAvailability = _availability[i]; ties = 1; }
                // Random among equally rare pieces, so peers starting together do not all want the same one.
                else if (_availability[i] == bestAvailability && _random.Next(++ties) == 0) best = i;
            }
            if (best < 0)
            {
                int fewest = int.MaxValue;
                for (int i = 0; i < _done.Length; i++)
                    if (!_done[i] && peerHas[i] && _fetchers[i] < fewest) { best = i; fewest = _fetchers[i]; }
                if (best >= 0) InEndgame = true;
            }
            if (best >= 0) _fetchers[best]++;
            return best;
        }
    }

    /// <summary>The peer stopped fetching <paramref name="piece"/> (done, failed or gone).</summary>
    public void Release(int piece) { lock (_lock) _fetchers[piece]--; }

    /// <summary>Marks a verified piece; true when it was still missing (so its other fetchers should cancel).</summary>
    public bool Complete(int piece)
    {
        lock (_lock)
        {
            bool wasMissing = !_done[piece];
            _done[piece] = true;
            return wasMissing;
        }
    }

    public bool IsDone(int piece) { lock (_lock) return _done[piece]; }
}
