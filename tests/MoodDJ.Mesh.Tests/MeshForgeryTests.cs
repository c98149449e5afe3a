using Xunit.Abstractions;

namespace MoodDJ.Mesh.Tests;

/// <summary>A relay that forges: its packets are never played or forwarded, they are counted, and it is dropped as a parent.</summary>
public sealed class MeshForgeryTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task A_forging_relay_is_never_played_is_counted_and_gets_dropped()
    {
        await using var harness = await MeshHarness.StartAsync(2);
        await using var prompt = await harness.ConnectAsync("dj");
        await prompt.PromptAsync("I feel calm and happy");
        await using var evil = new EvilRelay();
        await evil.StartAsync(harness);
        var honest = await harness.AddPeerAsync(new() { MaxChildren = 4 });
        await MeshSwarmTests.WaitAsync(() => honest.Relay.Stats.Direct && honest.Relay.Stats.Verified > 50, TimeSpan.FromSeconds(30));
        await Task.Delay(700);   // the honest peer reported, so the station offers both (the evil one first)

        var child = await harness.AddPeerAsync(new() { MaxChildren = 4 });
        await MeshSwarmTests.WaitAsync(() => child.Relay.Stats.ForgersDropped > 0 && child.Relay.ParentIds.Contains(honest.Relay.PeerId)
            && child.Player.Stats.Played > 200, TimeSpan.FromSeconds(40), () => child.Relay.Stats.ToString());
        output.WriteLine($"evil sent {evil.Forgeries} forgeries; child: {child.Relay.Stats}; {child.Player.Stats}");

        Assert.True(evil.Forgeries > 0, "the evil relay never got a child");
        Assert.True(child.Relay.Stats.Forged >= 3, $"forgeries counted: {child.Relay.Stats.Forged}");
        Assert.True(child.Relay.Stats.Duplicates > 0, "replays were not dropped by the sequence window");
        Assert.DoesNotContain(evil.PeerId, child.Relay.ParentIds);
        Assert.Equal(0, child.Output.MarkedSamples);          // no forged audio was ever played
        Assert.Equal(0, child.Player.Stats.Unauthenticated);  // nor did a forgery reach the SRTP layer
        Assert.True(child.Output.LoudSamples > 0, "the child played no music");
    }
}
