using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MoodDJ.Plugins.Llm;

/// <summary>Settings of the llm analyzer (plugins:settings:llm in mooddj.json).</summary>
public sealed class LlmOptions
{
    public const string DefaultEndpoint = "http://127.0.0.1:11434/v1";

    /// <summary>
    /// An OpenAI-compatible API: a base URL ("http://127.0.0.1:11434/v1", Ollama's default) or the
    /// full chat-completions URL. "/chat/completions" is appended when the path does not end with it.
    /// </summary>
    public Uri Endpoint { get; init; } = new(DefaultEndpoint);

    public string Model { get; init; } = "llama3.2";

    /// <summary>Name of the environment variable holding the API key (sent as a Bearer token); none sent when unset or empty.</summary>
    public string? ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    /// <summary>How long one request may take before the fallback answers instead.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The mood analyzer (by name) that answers when the endpoint fails; "" for none (neutral).</summary>
    public string Fallback { get; init; } = "lexicon";

    /// <summary>Characters of the text sent at most (longer text is cut), so a huge input is not a huge request.</summary>
    public int MaxChars { get; init; } = 2000;

    /// <summary>Largest response body read, in bytes; a bigger answer is treated as garbage.</summary>
    public int MaxResponseBytes { get; init; } = 256 * 1024;

    public Uri ChatCompletionsUri
    {
        get
        {
            var text = Endpoint.ToString().TrimEnd('/');
            return text.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase) ? new Uri(text) : new Uri(text + "/chat/completions");
        }
    }

    /// <summary>Reads and checks the settings; every error names the key.</summary>
    public static LlmOptions Read(IConfiguration settings)
    {
        var defaults = new LlmOptions();
        var endpointText = settings["endpoint"] is { Length: > 0 } e ? e : DefaultEndpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw new ArgumentException($"plugins:settings:llm:endpoint must be an http(s) URL such as {DefaultEndpoint}, got '{endpointText}'.");
        var timeoutMs = Int(settings, "timeoutMs", (int)defaults.Timeout.TotalMilliseconds, 1, 600_000);
        var fallback = settings["fallback"] ?? defaults.Fallback;
        if (string.Equals(fallback, "llm", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("plugins:settings:llm:fallback cannot be 'llm' itself; name another mood analyzer such as 'lexicon', or \"\" for none.");
        return new LlmOptions
        {
            Endpoint = endpoint,
            Model = settings["model"] is { Length: > 0 } m ? m : defaults.Model,
            ApiKeyEnv = settings["apiKeyEnv"] ?? defaults.ApiKeyEnv,
            Timeout = TimeSpan.FromMilliseconds(timeoutMs),
            Fallback = fallback,
            MaxChars = Int(settings, "maxChars", defaults.MaxChars, 1, 1_000_000),
            MaxResponseBytes = Int(settings, "maxResponseBytes", defaults.MaxResponseBytes, 1024, 64 * 1024 * 1024),
        };
    }

    private static int Int(IConfiguration settings, string key, int fallback, int min, int max)
    {
        var raw = settings[key];
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ArgumentException($"plugins:settings:llm:{key} must be a whole number from {min} to {max}, got '{raw}'.");
        return value;
    }
}
