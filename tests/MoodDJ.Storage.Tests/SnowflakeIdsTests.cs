namespace MoodDJ.Storage.Tests;

public sealed class SnowflakeIdsTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Ids_from_many_threads_are_unique_and_each_thread_sees_them_grow()
    {
        var ids = new SnowflakeIds(7);
        var perThread = Enumerable.Range(0, 4).Select(_ => new long[50_000]).ToArray();
        Parallel.For(0, 4, t => { for (var i = 0; i < perThread[t].Length; i++) perThread[t][i] = ids.Next(); });
        foreach (var run in perThread)
            for (var i = 1; i < run.Length; i++) Assert.True(run[i] > run[i - 1]);
        Assert.Equal(200_000, perThread.SelectMany(r => r).Distinct().Count());
        Assert.Equal(7, SnowflakeIds.NodeOf(perThread[0][0]));
    }

    [Fact]
    public void Backdated_ids_sort_at_their_time_grow_in_order_and_never_meet_live_ones()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        var ids = new SnowflakeIds(3, time);
        var written = time.Now;
        var live = Enumerable.Range(0, 2000).Select(_ => ids.Next()).ToList(); // 2,000 live ids in one millisecond
        time.Now = time.Now.AddMinutes(5);
        var later = ids.Next();
        var backdated = Enumerable.Range(0, 5000).Select(_ => ids.At(written)).ToList();
        for (var i = 1; i < backdated.Count; i++) Assert.True(backdated[i] > backdated[i - 1]);
        Assert.Equal(written, SnowflakeIds.TimeOf(backdated[0]));
        Assert.All(backdated, id => Assert.True(id < later));
        Assert.Equal(7000, live.Concat(backdated).Distinct().Count()); // past 2,048 a millisecond, they borrow the next one
        Assert.Equal(3, SnowflakeIds.NodeOf(backdated[^1]));
        Assert.True(ids.At(time.Now.AddHours(1)) > later); // not in the past: a live id
    }

    [Fact]
    public void Ids_sort_by_time_and_survive_a_clock_that_steps_back()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        var ids = new SnowflakeIds(1, time);
        var a = ids.Next();
        Assert.Equal(time.Now, SnowflakeIds.TimeOf(a));
        time.Now = time.Now.AddSeconds(-10); // NTP steps back
        var b = ids.Next();
        Assert.True(b > a);
        time.Now = time.Now.AddSeconds(20);
        var c = ids.Next();
        Assert.True(c > b);
        Assert.Equal(time.Now, SnowflakeIds.TimeOf(c));
        // More than 4,096 ids in one millisecond borrow the next one instead of colliding.
        var burst = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToArray();
        Assert.Equal(burst.Length, burst.Distinct().Count());
        Assert.True(burst.Zip(burst.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void Two_nodes_never_collide_in_the_same_millisecond()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var one = new SnowflakeIds(1, time);
        var two = new SnowflakeIds(2, time);
        Assert.NotEqual(one.Next(), two.Next());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnowflakeIds(1024));
    }
}
