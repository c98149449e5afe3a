using System.Net;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station.Tests.Station;

public class ListenerRegistryTests
{
    private static IPEndPoint At(int port) => new(IPAddress.Loopback, port);

    [Fact]
    public void The_listener_limit_is_enforced_with_a_reason()
    {
        var registry = new ListenerRegistry(maxListeners: 2, maxPerSession: 10, TimeSpan.FromSeconds(10));
        Assert.NotNull(registry.TryAdd("a", At(1000), ClearRtp.Instance, out _));
        Assert.NotNull(registry.TryAdd("b", At(1001), ClearRtp.Instance, out _));
        Assert.Null(registry.TryAdd("c", At(1002), ClearRtp.Instance, out var error));
        Assert.Contains("maxListeners", error);
        Assert.Equal(2, registry.Count);
    }

    [Fact]
    public void The_per_session_limit_is_enforced()
    {
        var registry = new ListenerRegistry(100, maxPerSession: 1, TimeSpan.FromSeconds(10));
        Assert.NotNull(registry.TryAdd("a", At(1000), ClearRtp.Instance, out _));
        Assert.Null(registry.TryAdd("a", At(1001), ClearRtp.Instance, out var error));
        Assert.Contains("maxListenersPerSession", error);
        Assert.NotNull(registry.TryAdd("b", At(1001), ClearRtp.Instance, out _));
    }

    [Fact]
    public void Subscribing_the_same_endpoint_again_replaces_the_old_listener()
    {
        var registry = new ListenerRegistry(100, 1, TimeSpan.FromSeconds(10));
        var first = registry.TryAdd("a", At(1000), ClearRtp.Instance, out _)!;
        var second = registry.TryAdd("a", At(1000), ClearRtp.Instance, out _)!;
        Assert.Equal(1, registry.Count);
        Assert.NotEqual(first.Token, second.Token);
        Assert.False(registry.TryTouch(first.Token));
        Assert.True(registry.TryTouch(second.Token));
    }

    [Fact]
    public void Silent_listeners_expire_and_heard_ones_stay()
    {
        var time = new ManualTime();
        var registry = new ListenerRegistry(100, 10, TimeSpan.FromSeconds(10), time);
        var counts = new List<int>();
        registry.CountChanged += counts.Add;
        var quiet = registry.TryAdd("a", At(1000), ClearRtp.Instance, out _)!;
        var chatty = registry.TryAdd("b", At(1001), ClearRtp.Instance, out _)!;

        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(registry.TryTouch(chatty.Token));
        Assert.Equal(0, registry.ExpireSilent());
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, registry.ExpireSilent());

        Assert.Same(chatty, Assert.Single(registry.Snapshot));
        Assert.False(registry.TryTouch(quiet.Token));
        Assert.Equal(1, registry.ExpiredCount);
        Assert.Equal([1, 2, 1], counts);
    }

    [Fact]
    public void Removing_a_session_drops_all_its_listeners()
    {
        var registry = new ListenerRegistry(100, 10, TimeSpan.FromSeconds(10));
        registry.TryAdd("a", At(1000), ClearRtp.Instance, out _);
        registry.TryAdd("a", At(1001), ClearRtp.Instance, out _);
        registry.TryAdd("b", At(1002), ClearRtp.Instance, out _);
        Assert.Equal(2, registry.RemoveSession("a"));
        Assert.Equal("b", Assert.Single(registry.Snapshot).SessionId);
    }

    [Fact]
    public void Tokens_are_unique_and_unguessable_in_practice()
    {
        var registry = new ListenerRegistry(1000, 1000, TimeSpan.FromSeconds(10));
        var tokens = Enumerable.Range(0, 500).Select(i => registry.TryAdd("a", At(2000 + i), ClearRtp.Instance, out _)!.Token).ToHashSet();
        Assert.Equal(500, tokens.Count);
        Assert.DoesNotContain(UInt128.Zero, tokens);
    }

    /// <summary>A clock the test moves by hand: expiry is about elapsed time, not about waiting.</summary>
    [Fact]
    public void An_expired_listener_disposes_its_srtp_protector_and_says_it_left()
    {
        var time = new ManualTime();
        var registry = new ListenerRegistry(100, 10, TimeSpan.FromSeconds(10), time);
        var left = new List<(string Name, string Reason)>();
        registry.Left += (l, _, reason) => left.Add((l.Name, reason));
        var quiet = new CountingProtector();
        var kept = new CountingProtector();
        registry.TryAdd("a", At(1000), quiet, out _, name: "kitchen");
        var stays = registry.TryAdd("b", At(1001), kept, out _)!;

        time.Advance(TimeSpan.FromSeconds(11));
        registry.TryTouch(stays.Token);
        Assert.Equal(1, registry.ExpireSilent());
        Assert.Equal(1, quiet.Disposed);
        Assert.Equal(0, kept.Disposed);
        Assert.Equal([("kitchen", "expired")], left);

        registry.Clear();
        Assert.Equal(1, kept.Disposed);
        Assert.Equal(1, quiet.Disposed);   // once only
    }

    [Fact]
    public void A_real_srtp_protector_is_disposed_when_its_listener_expires_and_a_send_in_flight_finishes_first()
    {
        var time = new ManualTime();
        var registry = new ListenerRegistry(100, 10, TimeSpan.FromSeconds(10), time);
        var protector = new SrtpProtector(MoodDJ.Media.Srtp.SrtpKeys.Generate());
        var listener = registry.TryAdd("a", At(1000), protector, out _)!;
        Assert.True(listener.TryBeginSend());   // the pump is protecting a packet for it right now
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, registry.ExpireSilent());
        Assert.True(listener.Retired);
        var packet = new byte[1500];
        packet[0] = 0x80;
        Assert.True(protector.Protect(packet, 100) > 100, "the key still works while the send is in flight");
        listener.EndSend(ok: true);
        Assert.Throws<ObjectDisposedException>(() => protector.Protect(packet, 100));
        Assert.False(listener.TryBeginSend());
    }

    private sealed class CountingProtector : IRtpProtector, IDisposable
    {
        public int Disposed;
        public int Overhead => 0;
        public int Protect(Span<byte> packet, int rtpLength) => rtpLength;
        public void Dispose() => Disposed++;
    }

    internal sealed class ManualTime : TimeProvider
    {
        private long _now = 1_000_000;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _now);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
    }
}
