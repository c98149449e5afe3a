using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>`mooddj send "text"`: sends one prompt to a running station and prints its mood reading and what now plays.</summary>
internal sealed class SendCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var text = new Argument<string>("text") { Description = "How you feel, in your own words (English or Chinese)." };
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the station's answer.", DefaultValueFactory = _ => 15 };
        var json = new Option<bool>("--json") { Description = "Print the station's reply as JSON." };
        var command = new Command("send", "Send a mood prompt to a running station (mooddj server) and show what it plays.") { text, server, join, timeout, json };
        command.SetAction((parseResult, ct) =>
        {
            var target = new StationTarget(parseResult, server, join);
            return CommandRunner.RunAsync(parseResult, globals, (context, token) => SendAsync(context, target, parseResult.GetValue(text) ?? "",
                parseResult.GetValue(timeout), parseResult.GetValue(json), token), ct, prepare: target.Prepare);
        });
        return command;
    }

    private static async Task<int> SendAsync(HostContext context, StationTarget target, string prompt, double seconds, bool json, CancellationToken token)
    {
        if (string.IsNullOrWhiteSpace(prompt))
            throw new UserFacingException("The prompt is empty: say how you feel, e.g. mooddj send \"I feel calm\".");
        if (seconds is <= 0 or > 3600)
            throw new UserFacingException($"--timeout must be between 0 and 3600 seconds, not {seconds}.");
        var options = new StationClientOptions
        {
            EndPoint = target.EndPoint,
            ClientName = $"send {Environment.UserName}@{Environment.MachineName}",
            CallTimeout = TimeSpan.FromSeconds(seconds),
            AutoReconnect = false,
            HeartbeatInterval = Timeout.InfiniteTimeSpan,
        };
        await using var client = new StationControlClient(context.Engine.ControlTransport, context.Engine.Crypto, options,
            context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
        await client.ConnectAsync(token);
        var reply = await client.PromptAsync(prompt, resumeAfterReconnect: false, token);
        if (json)
            System.Console.WriteLine(StationText.Json(StationText.Element(reply)));
        else
            StationText.PrintPrompt(StationText.Console(), reply);
        return 0;
    }
}

/// <summary>How the send and client commands show the station's replies and events (tolerant of missing members).</summary>
internal static class StationText
{
    /// <summary>The console for replies and events; plain text (no ANSI codes) when stdout is piped.</summary>
    public static IAnsiConsole Console() => Terminal.Stdout();

    /// <summary>JSON for people and scripts: UTF-8 text as itself (中文, not \\uXXXX), still valid JSON.</summary>
    public static readonly JsonSerializerOptions JsonOutput = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Json(JsonElement element) => JsonSerializer.Serialize(element, JsonOutput);

    /// <summary>A typed reply or event as the JSON the station sent (camelCase), for the tolerant printers below.</summary>
    public static JsonElement Element<T>(T value) => JsonSerializer.SerializeToElement(value, JsonRpcWriter.SerializerOptions);

    public static void PrintPrompt(IAnsiConsole console, PromptResult reply) => PrintPrompt(console, Element(reply));

    public static string NowPlaying(NowPlayingEvent now) => NowPlaying(Element(now));

    public static string Track(TrackDto? track) => Track(track is null ? null : Element(track));

    public static void PrintPrompt(IAnsiConsole console, JsonElement reply)
    {
        if (Member(reply, "mood") is { ValueKind: JsonValueKind.Object } mood)
        {
            console.MarkupLine($"mood [bold]{Markup.Escape(Text(mood, "label") ?? "?")}[/]  valence {Number(mood, "valence")}  " +
                $"arousal {Number(mood, "arousal")}  confidence {Number(mood, "confidence")}");
            if (Member(mood, "evidence") is { ValueKind: JsonValueKind.Array } evidence && evidence.GetArrayLength() > 0)
                console.MarkupLine("[grey]because of:[/] " + Markup.Escape(string.Join(", ",
                    evidence.EnumerateArray().Select(e => $"{Text(e, "text")} ({Text(e, "note")})"))));
        }
        console.MarkupLine("now playing " + Track(Member(reply, "track")));
    }

    /// <summary>A nowPlaying event or the now-playing part of a reply.</summary>
    public static string NowPlaying(JsonElement now)
    {
        var track = Track(Member(now, "track"));
        var paused = Member(now, "paused") is { ValueKind: JsonValueKind.True } ? " [yellow](paused)[/]" : "";
        var position = Member(now, "positionSeconds") is { ValueKind: JsonValueKind.Number } p ? $" at {Clock(p.GetDouble())}" : "";
        var mood = Member(now, "mood") is { ValueKind: JsonValueKind.Object } m ? $" [grey]· mood {Markup.Escape(Text(m, "label") ?? "?")}[/]" : "";
        return track + position + paused + mood;
    }

    public static string Track(JsonElement? track)
    {
        if (track is not { ValueKind: JsonValueKind.Object } t) return "[grey]nothing[/]";
        var duration = Member(t, "durationSeconds") is { ValueKind: JsonValueKind.Number } d ? $" ({Clock(d.GetDouble())})" : "";
        var artist = Text(t, "artist") is { Length: > 0 } a ? $" — {Markup.Escape(a)}" : "";
        var source = Text(t, "source") is { Length: > 0 } s ? $" [grey][[{Markup.Escape(s)}]][/]" : "";
        return $"[bold]{Markup.Escape(Text(t, "title") ?? "?")}[/]{artist}{duration}{source}";
    }

    public static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    public static JsonElement? Member(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    public static string? Text(JsonElement element, string name)
        => Member(element, name) is { } value ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static string Number(JsonElement element, string name)
        => Member(element, name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble().ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "?";
}
