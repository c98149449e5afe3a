using MoodDJ.Testing;
using MoodDJ.Abstractions.Settings;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Plugins.Lexicon;
using MoodDJ.Plugins.Llm;

namespace MoodDJ.Mood.Tests;

public sealed class LlmAnalyzerTests : IAsyncLifetime
{
    private const string GoodAnswer = "{\"label\":\"calm\",\"valence\":0.4,\"arousal\":-0.6,\"confidence\":0.8,\"evidence\":[{\"text\":\"放松\",\"note\":\"wants to relax\"}]}";
    private ChatCompletionsServer _server = null!;

    public async Task InitializeAsync() => _server = await ChatCompletionsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private LlmMoodAnalyzer Analyzer(int timeoutMs = 5000, Uri? endpoint = null, string apiKeyEnv = "") =>
        new(new LlmOptions { Endpoint = endpoint ?? _server.BaseUri, Model = "test-model", Timeout = TimeSpan.FromMilliseconds(timeoutMs), ApiKeyEnv = apiKeyEnv },
            () => Analyzers.Lexicon);

    private static bool FellBack(MoodReading r, string why) =>
        r.Evidence.Any(e => e.Text == "(llm unavailable)" && e.Note.Contains(why, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task A_good_answer_is_used_as_the_reading()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(GoodAnswer), TimeSpan.Zero);
        using var analyzer = Analyzer();
        var r = await analyzer.AnalyzeAsync("煩死了，想放鬆一下");
        Assert.Equal(MoodLabel.Calm, r.Label);
        Assert.Equal(0.4, r.Valence, 6);
        Assert.Equal(-0.6, r.Arousal, 6);
        Assert.Equal(0.8, r.Confidence, 6);
        Assert.Contains(r.Evidence, e => e.Text == "放松" && e.Note.Contains("wants to relax"));
        Assert.DoesNotContain(r.Evidence, e => e.Text == "(llm unavailable)");
    }

    [Fact]
    public async Task The_request_has_the_chat_completions_shape_and_the_api_key()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(GoodAnswer), TimeSpan.Zero);
        var variable = "MOODDJ_TEST_LLM_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "sk-test-123");
        try
        {
            using var analyzer = Analyzer(apiKeyEnv: variable);
            await analyzer.AnalyzeAsync("I feel happy");
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
        var (path, body, authorization) = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", path);
        Assert.Equal("Bearer sk-test-123", authorization);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("test-model", doc.RootElement.GetProperty("model").GetString());
        Assert.Equal("json_object", doc.RootElement.GetProperty("response_format").GetProperty("type").GetString());
        var messages = doc.RootElement.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("I feel happy", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_fenced_answer_with_prose_around_it_is_accepted()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion("Sure! Here it is:\n```json\n" + GoodAnswer + "\n```"), TimeSpan.Zero);
        using var analyzer = Analyzer();
        Assert.Equal(MoodLabel.Calm, (await analyzer.AnalyzeAsync("I want to relax")).Label);
    }

    [Theory]
    [InlineData("The mood is happy!", "no JSON object")]
    [InlineData("{\"label\":\"ecstatic\",\"valence\":0.9,\"arousal\":0.9}", "label 'ecstatic'")]
    [InlineData("{\"label\":\"sad\",\"valence\":-7,\"arousal\":0.1}", "valence must be a number")]
    [InlineData("{\"label\":\"sad\",\"arousal\":0.1}", "valence is missing")]
    [InlineData("{\"label\":\"sad\",\"valence\":-0.5,\"arousal\":0.1", "no JSON object")]
    public async Task Garbage_answers_fall_back_to_the_lexicon(string content, string why)
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(content), TimeSpan.Zero);
        using var analyzer = Analyzer();
        var r = await analyzer.AnalyzeAsync("I am so angry at this stupid traffic");
        Assert.Equal(Analyzers.Lexicon.Analyze("I am so angry at this stupid traffic").Label, r.Label);
        Assert.True(FellBack(r, why), string.Join(" | ", r.Evidence.Select(e => e.Text + ": " + e.Note)));
    }

    [Fact]
    public async Task A_body_that_is_not_json_falls_back()
    {
        _server.Reply = () => (200, "<html>gateway</html>", TimeSpan.Zero);
        using var analyzer = Analyzer();
        Assert.True(FellBack(await analyzer.AnalyzeAsync("I feel happy"), "response is not JSON"));
    }

    [Fact]
    public async Task A_server_error_falls_back()
    {
        _server.Reply = () => (500, "{\"error\":\"model crashed\"}", TimeSpan.Zero);
        using var analyzer = Analyzer();
        var r = await analyzer.AnalyzeAsync("I feel happy");
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(FellBack(r, "HTTP 500"));
    }

    [Fact]
    public async Task A_slow_endpoint_times_out_and_falls_back()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(GoodAnswer), TimeSpan.FromSeconds(30));
        using var analyzer = Analyzer(timeoutMs: 300);
        var watch = Stopwatch.StartNew();
        var r = await analyzer.AnalyzeAsync("I feel happy");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(FellBack(r, "no answer within 300 ms"));
    }

    [Fact]
    public async Task An_oversized_answer_falls_back()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(new string('x', 400_000)), TimeSpan.Zero);
        using var analyzer = Analyzer();
        Assert.True(FellBack(await analyzer.AnalyzeAsync("I feel happy"), "larger than"));
    }

    [Fact]
    public async Task An_unreachable_endpoint_falls_back()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var analyzer = Analyzer(endpoint: new Uri($"http://127.0.0.1:{port}/v1"));
        var r = await analyzer.AnalyzeAsync("I feel happy");
        Assert.Equal(MoodLabel.Happy, r.Label);
        Assert.True(FellBack(r, "unreachable"));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_swallowed()
    {
        _server.Reply = () => (200, ChatCompletionsServer.Completion(GoodAnswer), TimeSpan.FromSeconds(30));
        using var analyzer = Analyzer();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await analyzer.AnalyzeAsync("I feel happy", cts.Token));
    }

    [Fact]
    public async Task The_plugin_resolves_its_fallback_by_name_from_the_container()
    {
        _server.Reply = () => (503, "", TimeSpan.Zero);
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["endpoint"] = _server.BaseUri + "/chat/completions",
            ["timeoutMs"] = "5000",
        }).Build();
        var services = new ServiceCollection();
        new LexiconPlugin().Register(services, new PluginContext("lexicon", AppContext.BaseDirectory, new ConfigurationBuilder().Build()));
        new LlmPlugin().Register(services, new PluginContext("llm", AppContext.BaseDirectory, settings));
        await using var provider = services.BuildServiceProvider();
        var llm = provider.GetRequiredKeyedService<IMoodAnalyzer>("llm");
        var r = await llm.AnalyzeAsync("煩死了，想放鬆一下");
        Assert.Equal(MoodLabel.Calm, r.Label);
        Assert.True(FellBack(r, "HTTP 503"));
        Assert.Equal("/v1/chat/completions", Assert.Single(_server.Requests).Path);
    }

    [Fact]
    public async Task Without_a_fallback_a_failure_reads_neutral()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["endpoint"] = _server.BaseUri.ToString(),
            ["fallback"] = "missing-analyzer",
        }).Build();
        _server.Reply = () => (500, "", TimeSpan.Zero);
        var services = new ServiceCollection();
        new LlmPlugin().Register(services, new PluginContext("llm", AppContext.BaseDirectory, settings));
        await using var provider = services.BuildServiceProvider();
        var r = await provider.GetRequiredKeyedService<IMoodAnalyzer>("llm").AnalyzeAsync("I feel happy");
        Assert.Equal(MoodLabel.Neutral, r.Label);
        Assert.Contains(r.Evidence, e => e.Note.Contains("no fallback analyzer"));
    }

    [Theory]
    [InlineData("endpoint", "ftp://example.org", "plugins:settings:llm:endpoint")]
    [InlineData("timeoutMs", "soon", "plugins:settings:llm:timeoutMs")]
    [InlineData("fallback", "llm", "plugins:settings:llm:fallback")]
    public void Bad_settings_are_clear_errors(string key, string value, string expected)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var ex = Assert.Throws<SettingsException>(() => PluginProbe.Compose(new LlmPlugin(), new PluginContext("llm", AppContext.BaseDirectory, settings)));
        Assert.Contains(expected, ex.Message);
    }
}
