using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoodDJ.Abstractions.Mood;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>`mooddj analyze "text"`: the mood reading and the evidence behind it.</summary>
internal sealed class AnalyzeCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var text = new Argument<string?>("text") { Description = "What you feel, in your own words (English or Chinese).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the reading as JSON." };
        var listen = new Option<double?>("--listen") { Description = "Instead of text, listen to the room for this many seconds (a microphone through ALSA) and read its mood from the sound.", HelpName = "SECONDS" };
        var device = new Option<string?>("--device") { Description = "The ALSA capture device for --listen (default: plugins:settings:audio:device).", HelpName = "DEVICE" };
        var wav = new Option<string?>("--wav") { Description = "Instead of text, read the mood from the sound of an audio file (any format ffmpeg reads; its first plugins:settings:audio:maxListenSeconds).", HelpName = "FILE" };
        var command = new Command("analyze", "Read the mood of a sentence with the configured mood analyzer, or of a room's sound (--listen, --wav).")
            { text, json, listen, device, wav };
        command.Validators.Add(result =>
        {
            var given = (result.GetValue(text) is not null ? 1 : 0) + (result.GetValue(listen) is not null ? 1 : 0) + (result.GetValue(wav) is not null ? 1 : 0);
            if (given != 1)
                result.AddError("Give exactly one of: a text, --listen SECONDS or --wav FILE.");
            if (result.GetValue(listen) is { } seconds && (!double.IsFinite(seconds) || seconds <= 0))
                result.AddError($"--listen takes a number of seconds above 0, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
            if (result.GetValue(device) is not null && result.GetValue(listen) is null)
                result.AddError("--device goes with --listen.");
            // Checked here: the sound reader also takes alsa[:DEVICE], and its message says so.
            if (result.GetValue(wav) is { } file && !File.Exists(file))
                result.AddError($"--wav: no such file: {file}");
        });
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, async (context, token) =>
        {
            MoodReading reading;
            if (parseResult.GetValue(listen) is { } seconds)
            {
                var source = parseResult.GetValue(device) is { } name ? "alsa:" + name : "alsa";
                Terminal.Stderr().MarkupLine($"[grey]listening for {seconds.ToString("0.#", CultureInfo.InvariantCulture)} s…[/]");
                reading = await context.Engine.SoundMoodAnalyzer.ListenAsync(source, TimeSpan.FromSeconds(seconds), token);
            }
            else if (parseResult.GetValue(wav) is { } file)
                reading = await context.Engine.SoundMoodAnalyzer.ListenAsync(file, null, token);
            else
                reading = await context.Engine.MoodAnalyzer.AnalyzeAsync(parseResult.GetValue(text) ?? "", token);
            if (parseResult.GetValue(json))
                System.Console.WriteLine(ToJson(reading));
            else
                Print(reading);
            return 0;
        }, ct));
        return command;
    }

    internal static void Print(MoodReading reading, IAnsiConsole? console = null)
    {
        console ??= Terminal.Stdout();
        console.MarkupLine($"mood [bold]{reading.Label.ToString().ToLowerInvariant()}[/]  " +
            $"valence {F(reading.Valence)}  arousal {F(reading.Arousal)}  confidence {F(reading.Confidence)}");
        if (reading.Evidence.Count == 0)
        {
            console.MarkupLine("[grey]no evidence: nothing in the text moved the reading[/]");
            return;
        }
        var table = new Table().Border(TableBorder.Simple).AddColumn("evidence").AddColumn("valence").AddColumn("arousal").AddColumn("rules");
        foreach (var e in reading.Evidence)
            table.AddRow(Markup.Escape(e.Text), F(e.Valence), F(e.Arousal), Markup.Escape(e.Note));
        console.Write(table);
    }

    internal static string ToJson(MoodReading reading) => JsonSerializer.Serialize(new
    {
        mood = reading.Label.ToString().ToLowerInvariant(),
        valence = reading.Valence,
        arousal = reading.Arousal,
        confidence = reading.Confidence,
        evidence = reading.Evidence.Select(e => new { text = e.Text, valence = e.Valence, arousal = e.Arousal, note = e.Note }),
    }, StationText.JsonOutput);

    private static string F(double value) => value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
