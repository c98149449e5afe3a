using MoodDJ.Peers.Mesh;

namespace MoodDJ.Peers.Tests.Mesh;

/// <summary>The pure parts of mesh repair: the nack datagram, the gaps the sequence window reports, the backfill lookup, the resend budget.</summary>
public sealed class MeshRepairTests
{
    [Fact]
    public void A_nack_round_trips_and_a_malformed_one_does_not_read()
    {
        var buffer = new byte[64];
        var length = MeshWire.WriteNack(buffer, sender: 9, first: 65534, count: 3);
        Assert.True(MeshWire.TryReadHeader(buffer.AsSpan(0, length), out var type, out var sender));
        Assert.Equal((MeshMessage.Nack, 9L), (type, sender));
        Assert.True(MeshWire.TryReadNack(buffer.AsSpan(0, length), out var first, out var count));
        Assert.Equal((65534, 3), (first, count));

        Assert.False(MeshWire.TryReadNack(buffer.AsSpan(0, length - 1), out _, out _));   // truncated
        buffer[length - 1] = 0;
        Assert.False(MeshWire.TryReadNack(buffer.AsSpan(0, length), out _, out _));       // asks for nothing
        buffer[length - 1] = MeshWire.MaxNack + 1;
        Assert.False(MeshWire.TryReadNack(buffer.AsSpan(0, length), out _, out _));       // asks for too much
    }

    [Fact]
    public void The_window_reports_the_gap_a_packet_jumps_and_the_holes_still_open_behind_the_newest()
    {
        var window = new SequenceWindow();
        Assert.True(window.TryAccept(65533, out var skipped));
        Assert.Equal(0, skipped);
        Assert.True(window.TryAccept(2, out skipped));   // across the wrap: 65534, 65535, 0 and 1 are missing
        Assert.Equal(4, skipped);
        Assert.True(window.MissingBehindNewest(2));      // 0
        Assert.True(window.TryAccept(0, out skipped));   // the resend arrives
        Assert.Equal(0, skipped);
        Assert.False(window.MissingBehindNewest(2));
        Assert.True(window.MissingBehindNewest(1));      // 1 is still open
        Assert.False(window.TryAccept(0, out _));        // a second copy is refused
        Assert.False(window.MissingBehindNewest(5));     // before the first packet taken: never missing
    }

    [Fact]
    public void The_backfill_finds_a_held_packet_by_sequence_number_until_it_is_overwritten()
    {
        var backfill = new MeshBackfill();
        for (ushort s = 0; s < MeshBackfill.Capacity + 10; s++)
            backfill.Add([0x80, (byte)s], s);
        Assert.True(backfill.TryGet(MeshBackfill.Capacity + 9, out var packet));
        Assert.Equal((byte)(MeshBackfill.Capacity + 9), packet.Span[1]);
        Assert.True(backfill.TryGet(10, out _));
        Assert.False(backfill.TryGet(9, out _));   // overwritten
    }

    [Fact]
    public void The_resend_budget_gives_at_most_its_share_per_second()
    {
        var budget = new MeshResendBudget();
        var taken = 0;
        for (var i = 0; i < 1000; i++)
            if (budget.TryTake()) taken++;
        Assert.Equal(MeshResendBudget.PerSecond, taken);
    }
}
