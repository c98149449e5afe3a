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
        var text = new Argument<string>("text") { Description = "What you feel, in your own words (English or Chinese)." };
        var json = new Option<bool>("--json") { Description = "Print the reading as JSON." };
        var command = new Command("analyze", "Read the mood of a sentence with the configured mood analyzer.") { text, json };
        command.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, async (context, token) =>
        {
            var reading = await context.Engine.MoodAnalyzer.AnalyzeAsync(parseResult.GetValue(text) ?? "", token);
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
