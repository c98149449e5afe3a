using MoodDJ.Peers;

namespace MoodDJ.Peers.Tests;

public sealed class StationSwarmIdTests
{
    [Fact]
    public void Stations_with_different_names_get_different_info_hashes_that_parse_back()
    {
        string a = StationSwarmId.For("default", "127.0.0.1:5678");
        string b = StationSwarmId.For("lounge", "127.0.0.1:5678");
        Assert.NotEqual(a, b);
        Assert.Equal(40, a.Length);
        Span<byte> hash = stackalloc byte[20];
        Assert.True(StationSwarmId.TryParse(a, hash));
        Assert.Equal(a, Convert.ToHexStringLower(hash));
        Assert.False(StationSwarmId.TryParse("not hex", hash));
    }
}
