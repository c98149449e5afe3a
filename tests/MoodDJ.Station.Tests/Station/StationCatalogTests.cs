using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>Seed 001's session control on the standard calls: list what the station can play, and play a given track from a given time.</summary>
public sealed class StationCatalogTests
{
    [Fact]
    public async Task A_track_from_the_catalog_plays_now_from_the_time_asked()
    {
        await using var harness = await StationHarness.StartAsync("aead");
        await using var client = await harness.ConnectControlClientAsync("phone");
        var noMood = await Assert.ThrowsAsync<JsonRpcException>(async () =>
        {
            var any = (await client.CatalogAsync(count: 1)).Tracks[0];
            await client.PlayAsync(any);
        });
        Assert.Equal(JsonRpcErrorCodes.InvalidState, noMood.Code);
        Assert.Contains("mood first", noMood.Message);

        await client.PromptAsync("I feel calm");
        var sad = await client.CatalogAsync("I feel so sad and lonely", 8);
        Assert.Equal("sad", sad.Mood?.Label);
        Assert.Equal(8, sad.Tracks.Count);
        Assert.All(sad.Tracks, t => Assert.True(t.Valence < 0, $"{t.Title} (valence {t.Valence}) listed for a sad mood"));

        var chosen = sad.Tracks[5];
        var now = await client.PlayAsync(chosen, TimeSpan.FromSeconds(30));
        Assert.Equal(chosen.Id, now.Track?.Id);
        Assert.InRange(now.PositionSeconds ?? -1, 30, 35);
        Assert.Equal("calm", now.Mood?.Label);   // the chosen track plays within the station's mood
        await Task.Delay(1500);
        var later = (await client.StatusAsync()).NowPlaying;
        Assert.Equal(chosen.Id, later.Track?.Id);
        Assert.InRange(later.PositionSeconds ?? -1, 30.5, 40);

        var unknown = await Assert.ThrowsAsync<JsonRpcException>(() => client.PlayAsync(chosen with { Id = "no-such-track" }));
        Assert.Equal(JsonRpcErrorCodes.NotFound, unknown.Code);
        Assert.Contains("catalog", unknown.Message);
        var late = await Assert.ThrowsAsync<JsonRpcException>(() => client.PlayAsync(chosen, TimeSpan.FromHours(5)));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, late.Code);
        var badCount = await Assert.ThrowsAsync<JsonRpcException>(() => client.CatalogAsync(count: 1000));
        Assert.Contains("'count'", badCount.Message);
        var missing = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync<object>(StationMethods.Play, new { source = "generator" }));
        Assert.Contains("'id'", missing.Message);
    }
}
