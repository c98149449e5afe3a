using System.Text;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Peers.Tests.Swarm;

public sealed class BencodeTests
{
    [Fact]
    public void Values_round_trip_and_dictionary_keys_are_written_in_byte_order()
    {
        var dict = new BDictionary { ["zeta"] = 1L, ["alpha"] = new List<object> { "x", -7L }, ["mid"] = new byte[] { 0, 255 } };
        byte[] encoded = Bencode.Encode(dict);
        Assert.StartsWith("d5:alphal1:xi-7ee3:mid2:", Encoding.Latin1.GetString(encoded));
        var decoded = Assert.IsType<BDictionary>(Bencode.Decode(encoded));
        Assert.Equal(1L, decoded.Number("zeta"));
        Assert.Equal(new byte[] { 0, 255 }, decoded.Bytes("mid"));
        Assert.Equal(encoded, Bencode.Encode(decoded));
    }

    [Theory]
    [InlineData("", "truncated")]
    [InlineData("i12", "bad number")]
    [InlineData("5:abc", "overruns")]
    [InlineData("999999999999:x", "overruns")]
    [InlineData("d3:key", "truncated")]
    [InlineData("x", "unexpected byte")]
    [InlineData("i1ei2e", "unexpected bytes after")]
    public void Bad_input_is_refused_with_what_was_wrong(string input, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Bencode.Decode(Encoding.ASCII.GetBytes(input)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        string deep = new string('l', 10_000) + new string('e', 10_000);
        var error = Assert.Throws<FormatException>(() => Bencode.Decode(Encoding.ASCII.GetBytes(deep)));
        Assert.Contains("nesting", error.Message);
    }
}
