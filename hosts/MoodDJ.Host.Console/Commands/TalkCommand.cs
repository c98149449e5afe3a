using System.CommandLine;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Client;
using MoodDJ.Client.Voice;
using MoodDJ.Host.Console.Stations;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj talk`: push to talk over a running station's music. The voice comes from ALSA capture
/// (`--mic alsa[:DEVICE]`), an audio file, or a test tone, and is encoded in the station's codec and
/// sent over the sealed control channel; the station ducks the music under it. Runs until the input
/// ends, --seconds pass, or Ctrl+C (which is letting go of the button).
/// </summary>
internal sealed class TalkCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var mic = new Option<string>("--mic")
        {
            Description = "Where the voice comes from: alsa[:DEVICE] (ALSA capture through arecord), an audio file, or tone:HZ.",
            DefaultValueFactory = _ => "alsa:default",
        };
        var seconds = new Option<double?>("--seconds") { Description = "Stop talking after this many seconds." };
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var command = new Command("talk", "Talk over the music of a running station (push to talk: the music is ducked under your voice).") { mic, seconds, server, join };
        command.SetAction((parseResult, ct) =>
        {
            var target = new StationTarget(parseResult, server, join);
            return CommandRunner.RunAsync(parseResult, globals, (context, token) =>
                TalkAsync(context, target, parseResult.GetValue(mic)!, parseResult.GetValue(seconds), token), ct, prepare: target.Prepare);
        });
        return command;
    }

    private static async Task<int> TalkAsync(HostContext context, StationTarget target, string mic, double? seconds, CancellationToken token)
    {
        if (seconds is <= 0 or > 86400)
            throw new UserFacingException($"--seconds must be above 0 and at most 86400, not {seconds}.");
        var options = new StationClientOptions
        {
            EndPoint = target.EndPoint,
            ClientName = $"talk {Environment.UserName}@{Environment.MachineName}",
            AutoReconnect = false,
            HeartbeatInterval = Timeout.InfiniteTimeSpan,
        };
        await using var client = new StationControlClient(context.Engine.ControlTransport, context.Engine.Crypto, options,
            context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
        var hello = await client.ConnectAsync(token);
        var codec = context.Engine.CodecFor(hello.Codec)
            ?? throw new UserFacingException($"The station streams '{hello.Codec}', and no codec plugin here reads it.");
        var format = new AudioFormat(hello.SampleRate, hello.Channels);
        var frameMilliseconds = hello.Codec.Equals("opus", StringComparison.OrdinalIgnoreCase) ? 20 : 10;
        VoiceInput input;
        try { input = VoiceInput.Start(mic, format, seconds is { } s ? TimeSpan.FromSeconds(s) : null); }
        catch (ArgumentException e) { throw new UserFacingException($"--mic {e.Message}"); }
        catch (InvalidOperationException e) { throw new UserFacingException(e.Message); }
        await using (input)
        {
            System.Console.WriteLine($"talking over '{hello.Station}' from {input.Description}; Ctrl+C lets go.");
            var talker = new VoiceTalker(client, codec, format, frameMilliseconds);
            await talker.TalkAsync(input.Pcm, token);
            System.Console.WriteLine($"let go after {talker.FramesSent * frameMilliseconds / 1000.0:0.0} s of voice.");
            if (talker.FramesSent == 0)
                throw new UserFacingException($"No voice came from {input.Description}: is the device there (arecord -l) or the file readable?");
        }
        return 0;
    }
}
