using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Streaming.Tests;

public class JitterBufferTests
{
    private const int Step = 441; // 10 ms at 44.1 kHz

    private static JitterBuffer Make(int targetMs = 30, int capacity = 64, bool adaptive = false) => new(new JitterBufferOptions
    {
        ClockRate = 44100,
        TargetDepth = TimeSpan.FromMilliseconds(targetMs),
        Capacity = capacity,
        Adaptive = adaptive,
        MaxDepth = TimeSpan.FromMilliseconds(Math.Max(100, targetMs)),
        ResyncDistance = 3000,
    });

    private static JitterInsertResult Offer(JitterBuffer buffer, ushort sequence, byte tag) =>
        buffer.Insert(new RtpHeader { SequenceNumber = sequence, Timestamp = (uint)(sequence * Step), PayloadType = 11 }, new[] { tag, tag });

    /// <summary>Pops until buffering; returns what came out: the payload tag, or -1 for a gap.</summary>
    private static List<int> Drain(JitterBuffer buffer)
    {
        var output = new List<int>();
        var payload = new byte[16];
        while (true)
        {
            var result = buffer.Pop(payload, out var length, out _);
            if (result == JitterPopResult.Buffering) return output;
            output.Add(result == JitterPopResult.Packet ? payload[0] : -1);
            Assert.True(result != JitterPopResult.Packet || length == 2);
        }
    }

    [Fact]
    public void Nothing_plays_until_the_target_depth_is_held()
    {
        var buffer = Make(targetMs: 30);
        Offer(buffer, 10, 10);
        Offer(buffer, 11, 11);
        Assert.Equal(JitterPopResult.Buffering, buffer.Pop(new byte[16], out _, out _));
        Offer(buffer, 12, 12);
        Assert.Equal(TimeSpan.FromMilliseconds(30), buffer.Buffered);
        Assert.Equal(new[] { 10, 11, 12 }, Drain(buffer));
        Assert.Equal(1, buffer.Stats.Underruns); // the drain ran it dry
    }

    [Fact]
    public void A_burst_beyond_TrimAbove_skips_back_to_the_target_and_stragglers_are_late()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { ClockRate = 44100, TargetDepth = TimeSpan.FromMilliseconds(30), TrimAbove = TimeSpan.FromMilliseconds(60), Capacity = 64 });
        for (ushort s = 1; s <= 3; s++) Offer(buffer, s, (byte)s);
        var payload = new byte[16];
        Assert.Equal(JitterPopResult.Packet, buffer.Pop(payload, out _, out _));
        Assert.Equal(1, payload[0]);
        for (ushort s = 4; s <= 12; s++)
            if (s != 6) Offer(buffer, s, (byte)s); // a burst: 2..12 held but 6, 110 ms

        Assert.Equal(new[] { 10, 11, 12 }, Drain(buffer));
        Assert.Equal(8, buffer.Trimmed); // 2..9
        Assert.Equal(JitterInsertResult.Duplicate, Offer(buffer, 5, 5));
        Assert.Equal(JitterInsertResult.Late, Offer(buffer, 6, 6)); // the straggler arrived: not lost
        Assert.Equal(0, buffer.Stats.Lost);
    }

    [Fact]
    public void Reordered_packets_come_out_in_sequence()
    {
        var buffer = Make(targetMs: 50);
        foreach (var s in new ushort[] { 3, 1, 2, 5, 4 }) Offer(buffer, s, (byte)s);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, Drain(buffer));
        Assert.Equal(0, buffer.Stats.Lost);
        Assert.Equal(0, buffer.Stats.Late);
    }

    [Fact]
    public void Duplicates_are_dropped_whether_held_or_already_played()
    {
        var buffer = Make(targetMs: 20);
        Assert.Equal(JitterInsertResult.Accepted, Offer(buffer, 1, 1));
        Assert.Equal(JitterInsertResult.Duplicate, Offer(buffer, 1, 1));
        Offer(buffer, 2, 2);
        Assert.Equal(new[] { 1, 2 }, Drain(buffer));
        Assert.Equal(JitterInsertResult.Duplicate, Offer(buffer, 2, 2));
        Assert.Equal(2, buffer.Stats.Duplicates);
        Assert.Equal(2, buffer.Stats.Received);
    }

    [Fact]
    public void A_missing_packet_is_a_gap_and_arriving_after_its_turn_counts_late_not_lost()
    {
        var buffer = Make(targetMs: 30);
        Offer(buffer, 1, 1);
        Offer(buffer, 3, 3);
        Offer(buffer, 4, 4);
        Assert.Equal(1, buffer.Stats.Lost);
        Assert.Equal(new[] { 1, -1, 3, 4 }, Drain(buffer));
        Assert.Equal(JitterInsertResult.Late, Offer(buffer, 2, 2));
        Assert.Equal(JitterInsertResult.Duplicate, Offer(buffer, 2, 2));
        var stats = buffer.Stats;
        Assert.Equal(0, stats.Lost);
        Assert.Equal(1, stats.Late);
        Assert.Equal(1, stats.Concealed);
        Assert.Equal(3, stats.Played);
        Assert.Equal(4, stats.Received);
    }

    [Fact]
    public void Sequence_numbers_wrap_around_65535()
    {
        var buffer = Make(targetMs: 40);
        foreach (var s in new ushort[] { 65534, 0, 65535, 1 }) Offer(buffer, s, (byte)(s & 0x7F));
        Assert.Equal(new[] { 65534 & 0x7F, 65535 & 0x7F, 0, 1 }, Drain(buffer));
        Assert.Equal(0, buffer.Stats.Lost);
    }

    [Fact]
    public void After_an_underrun_it_buffers_to_the_target_again()
    {
        var buffer = Make(targetMs: 20);
        Offer(buffer, 1, 1);
        Offer(buffer, 2, 2);
        Assert.Equal(new[] { 1, 2 }, Drain(buffer));
        Offer(buffer, 3, 3);
        Assert.Equal(JitterPopResult.Buffering, buffer.Pop(new byte[16], out _, out _));
        Offer(buffer, 4, 4);
        Assert.Equal(new[] { 3, 4 }, Drain(buffer));
        Assert.Equal(2, buffer.Stats.Underruns);
    }

    [Fact]
    public void Draining_plays_a_remnant_below_the_target_when_the_stream_has_stopped()
    {
        var buffer = Make(targetMs: 50);
        Offer(buffer, 1, 1);
        Offer(buffer, 2, 2);
        Assert.Equal(JitterPopResult.Buffering, buffer.Pop(new byte[16], out _, out _));
        var payload = new byte[16];
        Assert.Equal(JitterPopResult.Packet, buffer.Pop(payload, out _, out _, drain: true));
        Assert.Equal(1, payload[0]);
        Assert.Equal(JitterPopResult.Packet, buffer.Pop(payload, out _, out _));
        Assert.Equal(2, payload[0]);
    }

    [Fact]
    public void A_packet_beyond_the_window_pushes_the_oldest_out_and_memory_stays_bounded()
    {
        var buffer = Make(targetMs: 1000, capacity: 8);
        for (ushort s = 0; s < 8; s++) Offer(buffer, s, (byte)s);
        Offer(buffer, 10, 10); // needs seq 3..10 in an 8-slot window
        var stats = buffer.Stats;
        Assert.Equal(3, stats.Overflows);
        Assert.Equal(new[] { 3, 4, 5, 6, 7, -1, -1, 10 }, Drain(buffer));
    }

    [Fact]
    public void A_big_jump_means_a_restarted_sender_and_starts_over()
    {
        var buffer = Make(targetMs: 20);
        Offer(buffer, 100, 1);
        Offer(buffer, 101, 2);
        Offer(buffer, 20000, 3);
        Offer(buffer, 20001, 4);
        Assert.Equal(1, buffer.Stats.Resyncs);
        Assert.Equal(new[] { 3, 4 }, Drain(buffer));
        Assert.Equal(0, buffer.Stats.Lost);
    }

    [Fact]
    public void Adaptive_mode_grows_the_target_with_late_packets_up_to_the_ceiling()
    {
        var buffer = Make(targetMs: 20, adaptive: true);
        Offer(buffer, 1, 1);
        Offer(buffer, 2, 2);
        Drain(buffer);
        ushort next = 3;
        for (var i = 0; i < 20; i++)
        {
            // Everything but `next` arrives (a span of 110 ms, beyond any target), plays out, then `next` comes late.
            for (var k = 1; k <= 10; k++) Offer(buffer, (ushort)(next + k), 0);
            var payload = new byte[16];
            while (buffer.Pop(payload, out _, out _) != JitterPopResult.Buffering) { }
            Assert.Equal(JitterInsertResult.Late, Offer(buffer, next, 0));
            next += 11;
        }
        Assert.Equal(20, buffer.Stats.Late);
        Assert.Equal(TimeSpan.FromMilliseconds(100), buffer.Target);
    }

    [Fact]
    public void An_oversized_payload_is_refused()
    {
        var buffer = new JitterBuffer(new JitterBufferOptions { MaxPayloadBytes = 100 });
        Assert.Equal(JitterInsertResult.TooLarge, buffer.Insert(new RtpHeader(), new byte[101]));
    }

    [Fact]
    public void Bad_options_are_refused_with_the_setting_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new JitterBuffer(new JitterBufferOptions { Capacity = 2 }));
        Assert.Contains("Capacity", error.Message);
        error = Assert.Throws<ArgumentException>(() => new JitterBuffer(new JitterBufferOptions { TargetDepth = TimeSpan.FromSeconds(2), MaxDepth = TimeSpan.FromSeconds(1) }));
        Assert.Contains("MaxDepth", error.Message);
    }

    [Fact]
    public void Steady_state_insert_and_pop_allocate_nothing()
    {
        var buffer = Make(targetMs: 30, capacity: 64);
        var payload = new byte[882];
        var output = new byte[1500];
        ushort sequence = 0;
        void Cycle()
        {
            buffer.Insert(new RtpHeader { SequenceNumber = sequence, Timestamp = (uint)(sequence * Step) }, payload);
            sequence++;
            buffer.Pop(output, out _, out _);
        }
        for (var i = 0; i < 1000; i++) Cycle();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++) Cycle();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
