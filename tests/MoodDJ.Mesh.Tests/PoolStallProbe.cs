using System.Diagnostics;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// Tells thread-pool starvation from the OS not running the process (docs/performance.md, "Live relay mesh").
/// A pool timer ticks every 50 ms, and a dedicated thread samples the pool every 50 ms. When the timer is late,
/// the sampler records the process's CPU time and how many of its threads are runnable. Blocked threads with work
/// pending and little CPU used is starvation. Runnable threads getting little CPU means the OS is not running
/// them. A late dedicated thread also points to the OS. It only reports and asserts nothing.
/// </summary>
internal sealed class PoolStallProbe : IDisposable
{
    private static readonly long StallTicks = Stopwatch.Frequency / 5;   // 200 ms
    private readonly Thread _sampler;
    private readonly Timer _tick;
    private readonly Lock _gate = new();
    private volatile bool _stop;
    private long _lastTick = Stopwatch.GetTimestamp();
    private double _worstSampler, _worstPool;
    private int _samplerStalls, _poolStalls;
    private long _maxPending, _maxThreads;
    private string _worstPoolAt = "";

    public PoolStallProbe()
    {
        _sampler = new Thread(Sample) { IsBackground = true, Name = "pool stall probe" };
        _sampler.Start();
        _tick = new Timer(_ => Tick(), null, 50, 50);
    }

    private void Tick()
    {
        var now = Stopwatch.GetTimestamp();
        var gap = now - Interlocked.Exchange(ref _lastTick, now);
        if (gap < StallTicks) return;
        lock (_gate)
        {
            _poolStalls++;
            var ms = gap * 1000.0 / Stopwatch.Frequency;
            if (ms > _worstPool) { _worstPool = ms; _worstPoolAt = $"threads {ThreadPool.ThreadCount}, pending {ThreadPool.PendingWorkItemCount}"; }
        }
    }

    private void Sample()
    {
        var last = Stopwatch.GetTimestamp();
        var self = Process.GetCurrentProcess();
        var (lastCpu, lastGc) = (self.TotalProcessorTime, GC.GetTotalPauseDuration());
        while (!_stop)
        {
            Thread.Sleep(50);
            var now = Stopwatch.GetTimestamp();
            var gap = now - last;
            last = now;
            self.Refresh();
            var (cpu, gc) = (self.TotalProcessorTime, GC.GetTotalPauseDuration());
            if (gap >= StallTicks)
                Log($"[probe] sampler thread {gap * 1000 / Stopwatch.Frequency} ms late: process CPU over it {(cpu - lastCpu).TotalMilliseconds:0} ms, GC pauses {(gc - lastGc).TotalMilliseconds:0} ms, pool threads {ThreadPool.ThreadCount}, pending {ThreadPool.PendingWorkItemCount}");
            var pending = ThreadPool.PendingWorkItemCount;
            var sincePoolTick = now - Interlocked.Read(ref _lastTick);
            lock (_gate)
            {
                _maxPending = Math.Max(_maxPending, pending);
                _maxThreads = Math.Max(_maxThreads, ThreadPool.ThreadCount);
                if (gap >= StallTicks) { _samplerStalls++; _worstSampler = Math.Max(_worstSampler, gap * 1000.0 / Stopwatch.Frequency); }
            }
            // While the pool timer is late, say what the pool looks like from outside it.
            if (sincePoolTick >= StallTicks && pending > 0)
                Log($"[probe] pool timer {sincePoolTick * 1000 / Stopwatch.Frequency} ms late: threads {ThreadPool.ThreadCount}, pending {pending}, completed {ThreadPool.CompletedWorkItemCount}, process CPU over the last {gap * 1000 / Stopwatch.Frequency} ms {(cpu - lastCpu).TotalMilliseconds:0} ms, machine run queue {RunQueue()}, this process's threads runnable {Runnable()}");
            (lastCpu, lastGc) = (cpu, gc);
        }
    }

    /// <summary>Runnable tasks on the machine right now (the 4th field of /proc/loadavg, "running/total").</summary>
    private static string RunQueue()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[3]; }
        catch (IOException) { return "?"; }
    }

    /// <summary>
    /// This process's threads in state R (running or waiting for a CPU) out of all: many R threads with little
    /// CPU means the OS is not running them; few R threads with work pending means they are blocked (starvation).
    /// </summary>
    private static string Runnable()
    {
        int runnable = 0, all = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                all++;
                if (stat[stat.LastIndexOf(')') + 2] == 'R') runnable++;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"{runnable}/{all}";
    }

    /// <summary>Appends a line to the file named by MOODDJ_PROBE_LOG, if set (test output only shows at the end).</summary>
    public static void Log(string line)
    {
        if (Environment.GetEnvironmentVariable("MOODDJ_PROBE_LOG") is { Length: > 0 } path)
            lock (typeof(PoolStallProbe)) File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}\n");
    }

    /// <summary>Starts the counts again (the measuring window; start-up has its own stalls, see docs/performance.md).</summary>
    public void Mark()
    {
        lock (_gate) (_worstSampler, _worstPool, _samplerStalls, _poolStalls, _maxPending, _maxThreads, _worstPoolAt) = (0, 0, 0, 0, 0, 0, "");
        Log("[probe] window starts");
    }

    public string Report()
    {
        lock (_gate)
            return $"probe: pool timer stalls >200 ms {_poolStalls} (worst {_worstPool:0} ms at {_worstPoolAt}); " +
                   $"dedicated-thread stalls >200 ms {_samplerStalls} (worst {_worstSampler:0} ms); max pending {_maxPending}, max pool threads {_maxThreads}";
    }

    public void Dispose()
    {
        _stop = true;
        _tick.Dispose();
        _sampler.Join();
    }
}
