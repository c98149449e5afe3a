using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MoodDJ.Bench;

/// <summary>
/// A short in-process job for the crypto and SRTP benchmarks: in-process so the plugins load from the
/// bench's own plugin folder, short so a run on the shared machine takes about a minute.
/// </summary>
internal sealed class CryptoBenchConfig : ManualConfig
{
    public CryptoBenchConfig() =>
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15))
            .AddColumn(StatisticColumn.Median);
}
