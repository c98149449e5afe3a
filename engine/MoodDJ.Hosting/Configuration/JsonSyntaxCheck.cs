using System.Text.Json;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// Parses a JSON file the way the configuration provider reads it (comments and trailing commas
/// allowed) so that a syntax error can be reported with its line, which the provider's own error lacks.
/// </summary>
internal static class JsonSyntaxCheck
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static void ThrowIfMalformed(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot be read ({ex.Message}). Check the file's permissions.", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ConfigurationException($"{path}: the top level must be a JSON object {{ ... }}, not {document.RootElement.ValueKind}. See docs/configuration.md.");
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            throw new ConfigurationException(
                $"{path}: line {line}, column {column}: malformed JSON ({FirstSentence(ex.Message)}). Fix the syntax there (check quotes, commas and braces).", ex);
        }
    }

    /// <summary>The parser's message without the position suffixes it appends (the line is reported already).</summary>
    private static string FirstSentence(string message)
    {
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message.TrimEnd('.', ' ');
    }
}
