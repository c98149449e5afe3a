using MoodDJ.Abstractions.Settings;

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
    public static LlmOptions From(LlmSettings settings, string path)
    {
        var endpointText = string.IsNullOrWhiteSpace(settings.Endpoint) ? DefaultEndpoint : settings.Endpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            throw SettingsRules.Invalid(path, "endpoint", $"must be an http(s) URL such as {DefaultEndpoint}, not '{endpointText}'");
        SettingsRules.Range(path, "timeoutMs", settings.TimeoutMs, 1, 600_000);
        SettingsRules.Range(path, "maxChars", settings.MaxChars, 1, 1_000_000);
        SettingsRules.Range(path, "maxResponseBytes", settings.MaxResponseBytes, 1024, 64 * 1024 * 1024);
        if (string.Equals(settings.Fallback, "llm", StringComparison.OrdinalIgnoreCase))
            throw SettingsRules.Invalid(path, "fallback", "cannot be 'llm' itself; name another mood analyzer such as 'lexicon', or \"\" for none");
        return new LlmOptions
        {
            Endpoint = endpoint,
            Model = string.IsNullOrWhiteSpace(settings.Model) ? "llama3.2" : settings.Model,
            ApiKeyEnv = settings.ApiKeyEnv,
            Timeout = TimeSpan.FromMilliseconds(settings.TimeoutMs),
            Fallback = settings.Fallback,
            MaxChars = settings.MaxChars,
            MaxResponseBytes = settings.MaxResponseBytes,
        };
    }
}

/// <summary>The keys of plugins:settings:llm as written in mooddj.json; <see cref="LlmOptions.From"/> checks and converts them.</summary>
public sealed class LlmSettings
{
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    public string? ApiKeyEnv { get; set; } = "OPENAI_API_KEY";
    public int TimeoutMs { get; set; } = 10_000;
    public string Fallback { get; set; } = "lexicon";
    public int MaxChars { get; set; } = 2000;
    public int MaxResponseBytes { get; set; } = 256 * 1024;
}
