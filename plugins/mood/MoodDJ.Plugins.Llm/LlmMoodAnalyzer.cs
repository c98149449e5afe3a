using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Llm;

/// <summary>
/// Asks an OpenAI-compatible chat-completions endpoint for a structured mood reading. When the
/// endpoint fails, times out or answers with something that is not a valid reading, the fallback
/// analyzer (by default "lexicon", resolved when needed) answers instead, with a note saying why.
/// Never throws except when the caller cancels.
/// </summary>
public sealed class LlmMoodAnalyzer : IMoodAnalyzer, IDisposable
{
    internal const string SystemPrompt =
        "You read the mood of a short text (English or Chinese) for a music player. Answer with ONE JSON object and nothing else: " +
        "{\"label\": one of \"happy\",\"energetic\",\"calm\",\"sad\",\"angry\",\"romantic\",\"focused\",\"neutral\", " +
        "\"valence\": number -1..1 (unpleasant..pleasant), \"arousal\": number -1..1 (calm..excited), " +
        "\"confidence\": number 0..1, \"evidence\": [{\"text\": word or emoji from the input, \"note\": why}]}. " +
        "If the text says what mood the person wants (\"I want to relax\", \"想放松\"), label that wanted mood.";

    private readonly LlmOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Func<IMoodAnalyzer?> _fallback;
    private readonly ILogger _logger;

    /// <param name="fallback">Returns the analyzer to use when the endpoint fails (null: answer neutral).</param>
    public LlmMoodAnalyzer(LlmOptions options, Func<IMoodAnalyzer?> fallback, HttpClient? http = null, ILogger? logger = null)
    {
        _options = options;
        _fallback = fallback;
        _logger = logger ?? NullLogger.Instance;
        _ownsHttp = http is null;
        // Our own per-request timeout applies, so the client's is switched off (only on a client we own).
        _http = http ?? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public async ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(text))
            return MoodReading.Neutral;
        if (text.Length > _options.MaxChars)
            text = text[.._options.MaxChars];

        string problem;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var request = BuildRequest(text);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                problem = $"endpoint answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            }
            else
            {
                var body = await ReadBodyAsync(response, timeout.Token).ConfigureAwait(false);
                if (body is null)
                    problem = $"response larger than {_options.MaxResponseBytes} bytes";
                else if (LlmAnswerParser.TryParseResponse(body, out var reading, out problem))
                    return reading;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"no answer within {_options.Timeout.TotalMilliseconds:0} ms";
        }
        catch (HttpRequestException ex)
        {
            problem = $"endpoint unreachable ({ex.Message})";
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or DecoderFallbackException)
        {
            problem = $"{ex.GetType().Name}: {ex.Message}";
        }
        return await FallbackAsync(text, problem, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<MoodReading> FallbackAsync(string text, string problem, CancellationToken cancellationToken)
    {
        _logger.LogWarning("llm mood analyzer: {Problem} ({Endpoint}); using fallback '{Fallback}'", problem, _options.ChatCompletionsUri, _options.Fallback);
        var note = new MoodEvidence("(llm unavailable)", 0, 0, $"{problem}; answered by '{_options.Fallback}'");
        IMoodAnalyzer? fallback;
        try
        {
            fallback = _fallback();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            _logger.LogWarning("llm mood analyzer: fallback '{Fallback}' is not available: {Message}", _options.Fallback, ex.Message);
            fallback = null;
        }
        if (fallback is null)
            return new MoodReading(MoodLabel.Neutral, 0, 0, 0, [note with { Note = $"{problem}; no fallback analyzer" }]);
        var reading = await fallback.AnalyzeAsync(text, cancellationToken).ConfigureAwait(false);
        return new MoodReading(reading.Label, reading.Valence, reading.Arousal, reading.Confidence, [.. reading.Evidence, note]);
    }

    private HttpRequestMessage BuildRequest(string text)
    {
        var payload = new
        {
            model = _options.Model,
            temperature = 0,
            response_format = new { type = "json_object" },
            messages = new object[]
            {
                new { role = "system", content = SystemPrompt },
                new { role = "user", content = text },
            },
        };
        var request = new HttpRequestMessage(HttpMethod.Post, _options.ChatCompletionsUri)
        {
            Content = new StringContent(JsonSerializer.Serialize(payload), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(_options.ApiKeyEnv) && Environment.GetEnvironmentVariable(_options.ApiKeyEnv) is { Length: > 0 } key)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>Reads the body up to the configured cap; null when it is larger.</summary>
    private async Task<string?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public void Dispose()
    {
        if (_ownsHttp)
            _http.Dispose();
    }
}
