using System.Net;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Station.Tests.Station.Support;

namespace MoodDJ.Station.Tests.Station;

/// <summary>After a restart the station plays its last mood again by itself: no client prompts the second one.</summary>
public sealed class StationResumeTests
{
    [Fact]
    public async Task A_restarted_station_resumes_its_last_mood_without_a_new_prompt()
    {
        var folder = Directory.CreateTempSubdirectory("mooddj-state-");
        try
        {
            var stateFile = Path.Combine(folder.FullName, "state", "station-state.json");
            void Configure(Dictionary<string, string?> s)
            {
                s["station:resumeLastMood"] = "true";
                s["station:stateFile"] = stateFile;
            }

            string label;
            await using (var first = await StationHarness.StartAsync("aead", Configure))
            {
                await using var client = await first.ConnectControlClientAsync("prompter");
                label = (await client.PromptAsync("I feel calm and relaxed", resumeAfterReconnect: false)).Mood.Label;
            }
            Assert.True(File.Exists(stateFile), "the station saved its last prompt");
            Assert.Contains("I feel calm and relaxed", File.ReadAllText(stateFile));

            // A new process-like start: new engine, new station, nobody prompts.
            await using var second = await StationHarness.StartAsync("aead", Configure);
            await using var listener = await second.ConnectControlClientAsync("listener");
            var capture = new CapturePlayback(AudioFormat.SeedMono, 44100 * 30);
            var player = new StationPlayer(second.Engine.StreamTransport, second.Engine.Codec, capture, IPAddress.Loopback,
                (port, ct) => listener.SubscribeAsync(port, ct));
            using var stop = new CancellationTokenSource();
            var playing = player.RunAsync(stop.Token);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (capture.FirstNonSilentTimestamp < 0 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            Assert.True(capture.FirstNonSilentTimestamp > 0, "the player hears music without a new prompt");
            var status = await listener.StatusAsync();
            Assert.Equal("playing", status.State);
            Assert.Equal(label, status.NowPlaying.Mood?.Label);
            stop.Cancel();
            await playing;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_prompt_that_comes_before_the_resume_is_not_overridden_by_the_old_mood()
    {
        var folder = Directory.CreateTempSubdirectory("mooddj-state-");
        try
        {
            var stateFile = Path.Combine(folder.FullName, "station-state.json");
            new StationStateStore(stateFile).Save("default", "I feel so happy and excited today!", "energetic");
            await using var harness = await StationHarness.StartAsync("none", s =>
            {
                s["station:resumeLastMood"] = "true";
                s["station:stateFile"] = stateFile;
            });
            await using var client = await harness.ConnectControlClientAsync("early bird");
            var sad = await client.PromptAsync("I feel sad and lonely", resumeAfterReconnect: false);
            await Task.Delay(2000);   // the resume, had it run after the prompt, would have switched by now
            Assert.Equal(sad.Mood.Label, (await client.StatusAsync()).NowPlaying.Mood?.Label);
            Assert.Contains("sad and lonely", File.ReadAllText(stateFile));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_damaged_state_file_is_ignored_and_replaced_on_the_next_prompt()
    {
        var folder = Directory.CreateTempSubdirectory("mooddj-state-");
        try
        {
            var path = Path.Combine(folder.FullName, "station-state.json");
            File.WriteAllText(path, "{ not json");
            var store = new StationStateStore(path);
            Assert.Empty(store.Load());
            store.Save("default", "I feel happy", "happy");
            Assert.Equal("I feel happy", store.Load()["default"].Prompt);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
