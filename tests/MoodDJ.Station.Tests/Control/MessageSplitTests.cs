using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Station.Tests.Control;

public sealed class MessageSplitTests
{
    private static byte[] Part(uint id, uint total, ushort index, bool last, ReadOnlySpan<byte> chunk)
    {
        var frame = new byte[SplitHeader.Size + chunk.Length];
        new SplitHeader(id, total, index, last).Write(frame);
        chunk.CopyTo(frame.AsSpan(SplitHeader.Size));
        return frame;
    }

    [Fact]
    public void The_split_header_matches_the_documented_test_vector()
    {
        var frame = Part(1, 2, 0, true, "{}"u8);
        Assert.Equal("0000000100000002000001007b7d", Convert.ToHexStringLower(frame));
        var second = new byte[SplitHeader.Size];
        new SplitHeader(0x0102_0304, 70000, 2, false).Write(second);
        Assert.Equal("010203040001117000020000", Convert.ToHexStringLower(second));
    }

    [Fact]
    public void Parts_in_order_rebuild_the_message()
    {
        using var reassembler = new MessageReassembler(MessageLimits.Default);
        var data = Enumerable.Range(0, 10).Select(i => (byte)i).ToArray();
        Assert.False(reassembler.TryAdd(Part(1, 10, 0, false, data.AsSpan(0, 4)), out _));
        Assert.False(reassembler.TryAdd(Part(1, 10, 1, false, data.AsSpan(4, 4)), out _));
        Assert.True(reassembler.TryAdd(Part(1, 10, 2, true, data.AsSpan(8)), out var message));
        using (message) Assert.Equal(data, message!.Span.ToArray());
        Assert.Equal(0, reassembler.PartialCount);
        Assert.Equal(0, reassembler.ReservedBytes);
    }

    [Fact]
    public void Interleaved_messages_are_rebuilt_separately()
    {
        using var reassembler = new MessageReassembler(MessageLimits.Default);
        Assert.False(reassembler.TryAdd(Part(1, 4, 0, false, "ab"u8), out _));
        Assert.False(reassembler.TryAdd(Part(2, 4, 0, false, "wx"u8), out _));
        Assert.True(reassembler.TryAdd(Part(1, 4, 1, true, "cd"u8), out var first));
        Assert.True(reassembler.TryAdd(Part(2, 4, 1, true, "yz"u8), out var second));
        Assert.Equal("abcd"u8.ToArray(), first!.Span.ToArray());
        Assert.Equal("wxyz"u8.ToArray(), second!.Span.ToArray());
    }

    [Theory]
    [InlineData("over the cap")]
    [InlineData("too many partials")]
    [InlineData("reassembly bytes")]
    [InlineData("replayed id")]
    [InlineData("part skipped")]
    [InlineData("unknown message")]
    [InlineData("short last part")]
    [InlineData("overrun")]
    [InlineData("reserved bits")]
    [InlineData("short frame")]
    [InlineData("size changed")]
    public void Every_split_violation_throws_a_MessageProtocol_error(string violation)
    {
        var limits = new MessageLimits { MaxMessageBytes = 1000, MaxPartialMessages = 2, MaxReassemblyBytes = 1500 };
        using var reassembler = new MessageReassembler(limits);
        void Add(byte[] frame) => reassembler.TryAdd(frame, out _);
        Action act = violation switch
        {
            "over the cap" => () => Add(Part(1, 1001, 0, false, "a"u8)),
            "too many partials" => () => { Add(Part(1, 10, 0, false, "a"u8)); Add(Part(2, 10, 0, false, "a"u8)); Add(Part(3, 10, 0, false, "a"u8)); },
            "reassembly bytes" => () => { Add(Part(1, 1000, 0, false, "a"u8)); Add(Part(2, 600, 0, false, "a"u8)); },
            "replayed id" => () => { Add(Part(5, 1, 0, true, "a"u8)); Add(Part(5, 1, 0, true, "a"u8)); },
            "part skipped" => () => { Add(Part(1, 10, 0, false, "a"u8)); Add(Part(1, 10, 2, false, "a"u8)); },
            "unknown message" => () => Add(Part(9, 10, 1, false, "a"u8)),
            "short last part" => () => { Add(Part(1, 10, 0, false, "a"u8)); Add(Part(1, 10, 1, true, "a"u8)); },
            "overrun" => () => Add(Part(1, 2, 0, true, "abc"u8)),
            "reserved bits" => () => { var f = Part(1, 1, 0, true, "a"u8); f[10] |= 0x80; Add(f); },
            "short frame" => () => Add(new byte[5]),
            "size changed" => () => { Add(Part(1, 10, 0, false, "a"u8)); Add(Part(1, 11, 1, false, "a"u8)); },
            _ => throw new ArgumentOutOfRangeException(nameof(violation)),
        };
        var error = Assert.Throws<ControlProtocolException>(act);
        Assert.Equal(ControlDropReason.MessageProtocol, error.Reason);
    }

    [Fact]
    public void Limits_that_cannot_hold_one_message_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessageLimits { MaxMessageBytes = 100, MaxReassemblyBytes = 50 }.Validate());
    }
}
