using MoodDJ.Media;
using MoodDJ.Client;

namespace MoodDJ.Streaming.Tests.Support;

internal static class PlayerRun
{
    /// <summary>
    /// Waits until <paramref name="pipeline"/> has played something and emptied its jitter buffer,
    /// gives the last frames a moment to reach the output, then stops the run.
    /// </summary>
    public static async Task PlayOutAndStopAsync(PlayerPipeline pipeline, Task run, CancellationTokenSource cts)
    {
        while (pipeline.Stats.Buffered > TimeSpan.Zero || pipeline.Stats.Played == 0)
            await Task.Delay(20, cts.Token);
        await Task.Delay(200, cts.Token);
        cts.Cancel();
        await run;
    }
}
