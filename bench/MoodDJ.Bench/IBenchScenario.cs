namespace MoodDJ.Bench;

/// <summary>
/// An end-to-end measurement that BenchmarkDotNet's per-call model does not fit (a server under a
/// thousand listeners, prompt-to-first-sample latency). Prints medians and ratios; returns an exit code.
/// </summary>
public interface IBenchScenario
{
    string Name { get; }

    Task<int> RunAsync(string[] args);
}
