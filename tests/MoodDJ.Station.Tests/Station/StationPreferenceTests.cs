using MoodDJ.Protocol;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>/like and /dislike through the typed client and a real station.</summary>
public sealed class StationPreferenceTests
{
    [Fact]
    public async Task Dislike_skips_and_the_disliked_track_is_never_picked_again_for_that_mood()
    {
        await using var harness = await StationHarness.StartAsync("none");
        await using var client = await harness.ConnectControlClientAsync("prompter");

        var failure = await Assert.ThrowsAsync<JsonRpcException>(() => client.DislikeAsync());
        Assert.Equal(JsonRpcErrorCodes.InvalidState, failure.Code);

        var first = await client.PromptAsync("I feel so happy today!");
        Assert.NotNull(first.Track);
        var liked = await client.LikeAsync();
        Assert.Equal(first.Track!.Id, liked.Track.Id);
        Assert.Equal("happy", liked.Mood);

        var disliked = await client.DislikeAsync();
        Assert.Equal(first.Track.Id, disliked.Track.Id);
        Assert.Equal("happy", disliked.Mood);
        Assert.NotNull(disliked.NowPlaying.Track);
        Assert.NotEqual(first.Track.Id, disliked.NowPlaying.Track!.Id);

        // Several more tracks for the same mood: the disliked one never comes back.
        var played = new List<string> { disliked.NowPlaying.Track.Id };
        for (var i = 0; i < 4; i++)
            played.Add((await client.SkipAsync()).Track!.Id);
        Assert.DoesNotContain(first.Track.Id, played);
        Assert.DoesNotContain(first.Track.Id, (await client.ListAsync()).Queue.Select(t => t.Id));
    }
}
