using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station.Tests.Station;

public class HeartbeatDatagramTests
{
    [Fact]
    public void A_heartbeat_round_trips_through_its_28_byte_layout()
    {
        var token = (UInt128.One << 100) + 0x1234;
        var bytes = new byte[HeartbeatDatagram.Size];
        new HeartbeatDatagram(HeartbeatType.Heartbeat, token, 0xA1B2C3D4).WriteTo(bytes);

        Assert.Equal("4D444842", Convert.ToHexString(bytes, 0, 4));   // "MDHB"
        Assert.Equal(1, bytes[4]);
        Assert.Equal(0x01, bytes[5]);
        Assert.Equal("A1B2C3D4", Convert.ToHexString(bytes, 24, 4));
        Assert.True(HeartbeatDatagram.TryRead(bytes, out var read));
        Assert.Equal(HeartbeatType.Heartbeat, read.Type);
        Assert.Equal(token, read.Token);
        Assert.Equal(0xA1B2C3D4u, read.Sequence);
    }

    [Fact]
    public void The_documented_test_vector_parses()
    {
        // docs/protocol.md, "Subscription and heartbeats": a heartbeat with token 00..0f, sequence 7.
        var bytes = Convert.FromHexString("4D44484201010000000102030405060708090A0B0C0D0E0F00000007");
        Assert.True(HeartbeatDatagram.TryRead(bytes, out var read));
        Assert.Equal(HeartbeatType.Heartbeat, read.Type);
        Assert.Equal("000102030405060708090a0b0c0d0e0f", HeartbeatDatagram.FormatToken(read.Token));
        Assert.Equal(7u, read.Sequence);
    }

    [Fact]
    public void The_documented_time_request_vector_round_trips()
    {
        // docs/protocol.md: a time request with token 00..0f, sequence 7, send time 0102030405060708.
        const string vector = "4D44484201030000000102030405060708090A0B0C0D0E0F000000070102030405060708" + "0000000000000000";
        var bytes = new byte[HeartbeatDatagram.TimeSize];
        HeartbeatDatagram.TryParseToken("000102030405060708090a0b0c0d0e0f", out var token);
        Assert.Equal(44, new HeartbeatDatagram(HeartbeatType.TimeRequest, token, 7).WriteTimeTo(bytes, 0x0102030405060708, 0));
        Assert.Equal(vector, Convert.ToHexString(bytes));
        Assert.True(HeartbeatDatagram.TryRead(bytes, out var read));
        Assert.Equal(HeartbeatType.TimeRequest, read.Type);
        Assert.Equal((0x0102030405060708UL, 0UL), HeartbeatDatagram.ReadTimes(bytes));

        // The time types are 44 bytes and only they are: any other size or pairing is junk.
        Assert.False(HeartbeatDatagram.TryRead(bytes.AsSpan(0, HeartbeatDatagram.Size), out _));
        bytes[5] = (byte)HeartbeatType.Heartbeat;
        Assert.False(HeartbeatDatagram.TryRead(bytes, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4D444842")]
    [InlineData("4D44484201010000000102030405060708090A0B0C0D0E0F0000000700")]   // one byte too long
    [InlineData("4E44484201010000000102030405060708090A0B0C0D0E0F00000007")]     // bad magic
    [InlineData("4D44484202010000000102030405060708090A0B0C0D0E0F00000007")]     // version 2
    [InlineData("4D44484201070000000102030405060708090A0B0C0D0E0F00000007")]     // unknown type
    [InlineData("4D44484201010100000102030405060708090A0B0C0D0E0F00000007")]     // reserved bits set
    public void Anything_else_is_rejected(string hex)
    {
        Assert.False(HeartbeatDatagram.TryRead(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Tokens_travel_as_32_hex_digits()
    {
        var token = UInt128.MaxValue - 5;
        var text = HeartbeatDatagram.FormatToken(token);
        Assert.Equal(32, text.Length);
        Assert.True(HeartbeatDatagram.TryParseToken(text, out var back));
        Assert.Equal(token, back);
        Assert.False(HeartbeatDatagram.TryParseToken("xyz", out _));
        Assert.False(HeartbeatDatagram.TryParseToken(null, out _));
    }
}
