namespace MoodDJ.Media;

/// <summary>What happened to a packet offered to the <see cref="JitterBuffer"/>.</summary>
public enum JitterInsertResult
{
    Accepted,
    /// <summary>A copy of a packet already held or played.</summary>
    Duplicate,
    /// <summary>Arrived after its play-out time (it was concealed).</summary>
    Late,
    /// <summary>Payload larger than a slot.</summary>
    TooLarge,
}

/// <summary>What the <see cref="JitterBuffer"/> has for the next play-out tick.</summary>
public enum JitterPopResult
{
    /// <summary>The next packet's payload.</summary>
    Packet,
    /// <summary>The next packet is missing while later ones are here: conceal one frame.</summary>
    Missing,
    /// <summary>Filling up to the target depth (at start or after an underrun): play nothing yet.</summary>
    Buffering,
}

/// <summary>Counters of a <see cref="JitterBuffer"/>, since it was made.</summary>
public readonly record struct JitterBufferStats(
    long Received, long Lost, long Late, long Duplicates, long Played, long Concealed,
    long Underruns, long Overflows, long Resyncs, TimeSpan Buffered, TimeSpan Target);

/// <summary>
/// Reorders RTP packets by extended sequence number, drops duplicates and packets that come after
/// their play-out time, and hands out one packet (or a gap to conceal) per play-out tick once it
/// holds <see cref="JitterBufferOptions.TargetDepth"/> of audio. Slots are allocated once, so steady
/// state allocates nothing. Not thread-safe: one receive loop and one play-out loop share it under a lock.
/// A little over 300 lines: insert, the two pops and the peeks all read and write the same slot ring,
/// and splitting that ring across types would expose its indices.
/// </summary>
public sealed class JitterBuffer
{
    private enum SlotState : byte { Empty, Held, Played, Concealed, ArrivedLate }

    private struct Slot
    {
        public long Sequence;
        public SlotState State;
        public uint Timestamp;
        public bool Marker;
        public int Length;
    }

    private readonly JitterBufferOptions _options;
    private readonly Slot[] _slots;
    private readonly byte[] _payloads;
    private readonly int _maxPayload;

    private bool _started;
    private bool _playing;
    private bool _everPlayed;
    private long _firstSequence;
    private long _highest;
    private long _next;
    private long _ticksPerPacket;
    private TimeSpan _target;

    private long _received, _late, _duplicates, _played, _concealed, _underruns, _overflows, _resyncs;
    private long _lostBeforeResync, _receivedSinceResync;

    public JitterBuffer(JitterBufferOptions? options = null)
    {
        _options = options ?? new JitterBufferOptions();
        _options.Validate();
        _slots = new Slot[_options.Capacity];
        _maxPayload = _options.MaxPayloadBytes;
        _payloads = new byte[_options.Capacity * _maxPayload];
        _target = _options.TargetDepth;
        _ticksPerPacket = Math.Max(1, (long)(_options.PacketDurationHint.TotalSeconds * _options.ClockRate));
    }

    public JitterBufferOptions Options => _options;

    /// <summary>The target depth now (it grows with late packets when adaptive).</summary>
    public TimeSpan Target => _target;

    /// <summary>Audio from the next packet to play to the newest one held, gaps included.</summary>
    public TimeSpan Buffered => _started && _highest >= _next
        ? TimeSpan.FromSeconds((double)(_highest - _next + 1) * _ticksPerPacket / _options.ClockRate)
        : TimeSpan.Zero;

    public bool IsPlaying => _playing;

    public JitterBufferStats Stats => new(
        _received, Lost, _late, _duplicates, _played, _concealed, _underruns, _overflows, _resyncs, Buffered, _target);

    /// <summary>Sequence numbers never received (late arrivals count as received), as RFC 3550 A.3 counts loss.</summary>
    public long Lost => _lostBeforeResync + (_started ? Math.Max(0, _highest - _firstSequence + 1 - _receivedSinceResync) : 0);

    /// <summary>Offers one packet. Copies <paramref name="payload"/> into a slot; never keeps the span.</summary>
    public JitterInsertResult Insert(in RtpHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _maxPayload) return JitterInsertResult.TooLarge;
        if (!_started)
        {
            Start(header.SequenceNumber);
        }
        var sequence = Extend(header.SequenceNumber);

        if (Math.Abs(sequence - _highest) > _options.ResyncDistance)
        {
            // The sender restarted (or jumped): what we hold belongs to another timeline.
            _resyncs++;
            Restart(header.SequenceNumber);
            sequence = _next;
        }

        if (sequence < _next)
        {
            if (!_everPlayed && _highest - sequence < _slots.Length)
            {
                // Reordered before play began: start earlier instead of calling it late.
                _next = sequence;
                _firstSequence = Math.Min(_firstSequence, sequence);
            }
            else
            {
                return LateOrDuplicate(sequence);
            }
        }

        if (sequence >= _next + _slots.Length)
        {
            // Too far ahead for the window: give up the oldest packets to make room.
            var newNext = sequence - _slots.Length + 1;
            for (var s = _next; s < newNext; s++)
            {
                ref var old = ref SlotFor(s);
                if (old.Sequence == s && old.State == SlotState.Held) _overflows++;
                old.Sequence = s;
                old.State = SlotState.Concealed;
            }
            _next = newNext;
        }

        ref var slot = ref SlotFor(sequence);
        if (slot.Sequence == sequence && slot.State == SlotState.Held)
        {
            _duplicates++;
            return JitterInsertResult.Duplicate;
        }
        slot.Sequence = sequence;
        slot.State = SlotState.Held;
        slot.Timestamp = header.Timestamp;
        slot.Marker = header.Marker;
        slot.Length = payload.Length;
        payload.CopyTo(_payloads.AsSpan(SlotOffset(sequence), _maxPayload));
        _received++;
        _receivedSinceResync++;

        LearnPacketDuration(sequence, header.Timestamp);
        if (sequence > _highest) _highest = sequence;
        return JitterInsertResult.Accepted;
    }

    /// <summary>
    /// The next play-out tick: the next packet's payload into <paramref name="payload"/>, a gap to conceal,
    /// or nothing while (re)buffering. An empty buffer while playing is an underrun: it counts one and
    /// goes back to buffering. <paramref name="drain"/> plays what is held without waiting for the target
    /// (the caller saw the stream stall or end, so no more is coming to fill it).
    /// </summary>
    public JitterPopResult Pop(Span<byte> payload, out int length, out uint timestamp, bool drain = false)
    {
        length = 0;
        timestamp = 0;
        if (!_started) return JitterPopResult.Buffering;
        if (!_playing)
        {
            // A full window also starts play, whatever the target says.
            if (_highest < _next || (!drain && Buffered < _target && _highest - _next + 1 < _slots.Length)) return JitterPopResult.Buffering;
            _playing = true;
        }
        if (_options.TrimAbove is { } trim && Buffered > trim) Trim();
        if (_next > _highest)
        {
            _underruns++;
            _playing = false;
            return JitterPopResult.Buffering;
        }

        ref var slot = ref SlotFor(_next);
        _everPlayed = true;
        if (slot.Sequence == _next && slot.State == SlotState.Held)
        {
            if (payload.Length < slot.Length)
                throw new ArgumentException($"The payload buffer must hold {slot.Length} bytes.", nameof(payload));
            _payloads.AsSpan(SlotOffset(_next), slot.Length).CopyTo(payload);
            length = slot.Length;
            timestamp = slot.Timestamp;
            slot.State = SlotState.Played;
            _played++;
            _next++;
            return JitterPopResult.Packet;
        }

        slot.Sequence = _next;
        slot.State = SlotState.Concealed;
        _concealed++;
        _next++;
        return JitterPopResult.Missing;
    }

    /// <summary>
    /// The next play-out tick of a player that plays on a schedule (synchronized play-out): like
    /// <see cref="Pop"/> but it never waits to fill; an empty buffer is an underrun whose frame is
    /// concealed (Missing), and the turn passes, so a packet that comes later is late.
    /// </summary>
    public JitterPopResult PopOnSchedule(Span<byte> payload, out int length, out uint timestamp)
    {
        length = 0;
        timestamp = 0;
        if (!_started) return JitterPopResult.Buffering;
        _playing = true;
        if (_next > _highest)
        {
            _underruns++;
            _everPlayed = true;
            ref var slot = ref SlotFor(_next);
            slot.Sequence = _next;
            slot.State = SlotState.Concealed;
            _concealed++;
            _next++;
            _highest = _next - 1;
            return JitterPopResult.Missing;
        }
        return Pop(payload, out length, out timestamp, drain: true);
    }

    /// <summary>
    /// Copies the payload of the next packet to play, if it is here, without taking it: after a gap
    /// (<see cref="JitterPopResult.Missing"/>) a codec with in-band FEC rebuilds the lost frame from it.
    /// </summary>
    public bool TryPeekNext(Span<byte> payload, out int length)
    {
        length = 0;
        if (!_started || _next > _highest) return false;
        ref var slot = ref SlotFor(_next);
        if (slot.Sequence != _next || slot.State != SlotState.Held || payload.Length < slot.Length) return false;
        _payloads.AsSpan(SlotOffset(_next), slot.Length).CopyTo(payload);
        length = slot.Length;
        return true;
    }

    /// <summary>The RTP timestamp of the next packet to play, if it is here.</summary>
    public bool TryPeekTimestamp(out uint timestamp)
    {
        timestamp = 0;
        if (!_started || _next > _highest) return false;
        ref var slot = ref SlotFor(_next);
        if (slot.Sequence != _next || slot.State != SlotState.Held) return false;
        timestamp = slot.Timestamp;
        return true;
    }

    /// <summary>Sets the target depth (a player measuring its wire's jitter and loss), within [<see cref="JitterBufferOptions.MinDepth"/>, <see cref="JitterBufferOptions.MaxDepth"/>].</summary>
    public void SetTarget(TimeSpan target) =>
        _target = target < _options.MinDepth ? _options.MinDepth : target > _options.MaxDepth ? _options.MaxDepth : target;

    /// <summary>Packets skipped by <see cref="JitterBufferOptions.TrimAbove"/>.</summary>
    public long Trimmed { get; private set; }

    // Skips to the target depth: a skipped packet counts as played (a copy is a duplicate), a skipped
    // gap as concealed (a straggler is late), so the loss figures stay what the network did.
    private void Trim()
    {
        var keep = Math.Max(1, (long)Math.Ceiling(_target.TotalSeconds * _options.ClockRate / _ticksPerPacket));
        for (var to = _highest - keep + 1; _next < to; _next++)
        {
            ref var slot = ref SlotFor(_next);
            slot.State = slot.Sequence == _next && slot.State == SlotState.Held ? SlotState.Played : SlotState.Concealed;
            slot.Sequence = _next;
            Trimmed++;
        }
    }

    /// <summary>Forgets every packet (a new source); counters are kept.</summary>
    public void Reset()
    {
        _lostBeforeResync = Lost;
        _receivedSinceResync = 0;
        _started = false;
        _playing = false;
        _everPlayed = false;
        Array.Clear(_slots);
    }

    private JitterInsertResult LateOrDuplicate(long sequence)
    {
        ref var slot = ref SlotFor(sequence);
        if (slot.Sequence == sequence && slot.State is SlotState.Played or SlotState.ArrivedLate)
        {
            _duplicates++;
            return JitterInsertResult.Duplicate;
        }
        _late++;
        if (slot.Sequence == sequence && slot.State == SlotState.Concealed)
        {
            // Counted as received (it did arrive), so loss stays what the network really dropped.
            slot.State = SlotState.ArrivedLate;
            _received++;
            _receivedSinceResync++;
        }
        if (_options.Adaptive)
        {
            var packet = TimeSpan.FromSeconds((double)_ticksPerPacket / _options.ClockRate);
            var grown = _target + packet;
            _target = grown > _options.MaxDepth ? _options.MaxDepth : grown;
        }
        return JitterInsertResult.Late;
    }

    private void Start(ushort sequenceNumber)
    {
        _started = true;
        _firstSequence = _highest = _next = sequenceNumber + 65536L; // room below for early reordering
    }

    private void Restart(ushort sequenceNumber)
    {
        Reset();
        Start(sequenceNumber);
    }

    /// <summary>Widens a 16-bit sequence number to the one nearest the newest seen (RFC 3550 A.1's cycle count).</summary>
    private long Extend(ushort sequenceNumber) => _highest + (short)(ushort)(sequenceNumber - (ushort)_highest);

    private void LearnPacketDuration(long sequence, uint timestamp)
    {
        ref var previous = ref SlotFor(sequence - 1);
        if (previous.Sequence == sequence - 1 && previous.State is SlotState.Held or SlotState.Played)
        {
            var delta = (long)(uint)(timestamp - previous.Timestamp);
            if (delta > 0 && delta <= _options.ClockRate) _ticksPerPacket = delta;
        }
    }

    private ref Slot SlotFor(long sequence) => ref _slots[(int)(sequence % _slots.Length)];

    private int SlotOffset(long sequence) => (int)(sequence % _slots.Length) * _maxPayload;
}
