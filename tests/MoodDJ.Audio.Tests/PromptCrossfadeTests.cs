using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Client;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Music;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Station;
using MoodDJ.Testing;

namespace MoodDJ.Audio.Tests;

/// <summary>
/// Through a real station (real plugins: lexicon, L16, aead/SRTP, tcp, udp on 127.0.0.1) and a real
/// player: after a prompt, the player hears the new mood's music (its tone) while the old one fades
/// out, without waiting for the old track's end. Behaviour, not timing: docs/performance.md has the figures.
/// </summary>
public class PromptCrossfadeTests
{
    [Fact(Timeout = 90000)]
    public async Task After_a_prompt_the_player_hears_the_new_moods_music_and_the_reply_names_it()
    {
        await using var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, [
            $"--plugins:folder={PluginFolder()}", "--use:moodAnalyzer=lexicon", "--use:musicSources:0=generator", "--use:codec=pcm",
            "--use:crypto=aead", "--use:controlTransport=tcp", "--use:streamTransport=udp", "--use:audioOutput=null",
            $"--station:key={Convert.ToBase64String(new byte[32])}", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0"]));
        var options = StationOptions.From(engine.Configuration);
        var director = new MusicDirector([new MoodToneSource()], options.Format, new MusicOptions { PreferencesFile = "none" });
        await using var station = new StationServer(new LiveStation(options, new StationParts(engine.MoodAnalyzer, director, engine.Codec, engine.Crypto, engine.ControlTransport, engine.StreamTransport)) { OwnsDirector = true });
        await station.StartAsync();
        await using var client = new StationControlClient(engine.ControlTransport, engine.Crypto, new StationClientOptions
        {
            EndPoint = station.ControlEndPoint, ClientName = "test", HeartbeatInterval = Timeout.InfiniteTimeSpan, AutoReconnect = false, CallTimeout = TimeSpan.FromSeconds(30),
        });
        await client.ConnectAsync();
        var output = new ToneTrackingOutput();
        var player = new StationPlayer(engine.StreamTransport, engine.Codec, output, IPAddress.Loopback,
            (port, ct) => client.SubscribeAsync(port, ct));
        using var stop = new CancellationTokenSource();
        var playing = player.RunAsync(stop.Token);

        var first = await PromptAsync(client, "I feel happy and full of energy");
        var before = Enum.Parse<MoodLabel>(first.Mood.Label, ignoreCase: true);
        await WaitUntil(() => Level(output, before) > 0.3, "the first mood's music reaches the player");

        var second = await PromptAsync(client, "so calm and relaxed tonight");
        var after = Enum.Parse<MoodLabel>(second.Mood.Label, ignoreCase: true);
        Assert.NotEqual(before, after);
        Assert.StartsWith(after.ToString(), second.Track!.Id); // the reply names the track now coming in
        var prompted = output.Blocks.Count;

        await WaitUntil(() => Level(output, after) > 0.3 && Level(output, before) < 0.01, "the new mood's music replaces the old one");
        var since = output.Blocks.Skip(prompted).ToList();
        Assert.Contains(since, b => b.Amplitudes[(int)before] > 0.05 && b.Amplitudes[(int)after] > 0.05); // a crossfade, not a cut
        stop.Cancel();
        await playing;
    }

    private static Task<PromptResult> PromptAsync(StationControlClient client, string text) => client.PromptAsync(text);

    /// <summary>The tone's amplitude in the last block played (0.4 = full level).</summary>
    private static double Level(ToneTrackingOutput output, MoodLabel mood) => output.Blocks is { Count: > 0 } b ? b[^1].Amplitudes[(int)mood] : 0;

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(condition(), $"not reached in time: {what}");
    }

    private static string PluginFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln"))) return Path.Combine(dir.FullName, "artifacts", "plugins");
        throw new InvalidOperationException("Cannot find MoodDJ.sln above " + AppContext.BaseDirectory);
    }
}
