using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Host.Web;

namespace MoodDJ.Web.Tests;

/// <summary>The host without a browser: its settings, its schema entry and bad input on the page's socket.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HostTests(BrowserFixture fixture)
{
    [Fact]
    public void The_schema_describes_exactly_the_web_keys_the_host_reads()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "MoodDJ.sln"))) dir = dir.Parent;
        var schema = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "docs", "mooddj.schema.json")))!;
        var keys = schema["properties"]!["web"]!["properties"]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(WebOptions.Keys.Order(), keys);
    }

    [Theory]
    [InlineData("--web:port=80", "web:port")]
    [InlineData("--web:station=cloud", "web:station")]
    [InlineData("--web:jitterMs=5", "web:jitterMs")]
    public void A_bad_web_setting_stops_the_host_with_one_line_naming_the_key(string setting, string key)
    {
        var error = Assert.Throws<SettingsException>(() => WebHostApp.Build(["--urls", "http://127.0.0.1:0", setting]));
        Assert.Equal(key, error.Key);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Bad_messages_on_the_page_socket_get_an_error_line_and_the_connection_stays_up()
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{fixture.Host.Port}/ws"), CancellationToken.None);
        Assert.Equal("welcome", (await ReceiveAsync(socket, "welcome")).GetProperty("type").GetString());

        foreach (var (bad, says) in new[] { ("{nope", "JSON"), ("{\"type\":\"dance\"}", "unknown command"), ("{\"type\":\"seek\",\"position\":\"x\"}", "'position' must be a number"), ("{\"type\":\"prompt\",\"text\":\"\"}", "type a mood first") })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(bad), WebSocketMessageType.Text, true, CancellationToken.None);
            var error = await ReceiveAsync(socket, "error");
            Assert.Contains(says, error.GetProperty("message").GetString());
        }
        await socket.SendAsync(new byte[20_000], WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Contains("16384 bytes", (await ReceiveAsync(socket, "error")).GetProperty("message").GetString());

        await socket.SendAsync("{\"type\":\"prompt\",\"text\":\"I feel calm\"}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("calm", (await ReceiveAsync(socket, "reading")).GetProperty("reading").GetProperty("mood").GetProperty("label").GetString());
    }

    [Fact]
    public async Task The_server_speakers_switch_adds_a_listener_through_the_output_plugin()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        await page.CheckAsync("#speakers");
        await PageTests.Expect(page, "document.getElementById('listeners').textContent.includes('server speakers')");
        Assert.Contains("null", await page.TextContentAsync("#speakers-output"));
        await page.UncheckAsync("#speakers");
        await PageTests.Expect(page, "!document.getElementById('listeners').textContent.includes('server speakers')");
        await page.Context.CloseAsync();
    }

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, string type)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[256 * 1024];
        while (true)
        {
            var length = 0;
            WebSocketReceiveResult read;
            do
            {
                read = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), limit.Token);
                length += read.Count;
            } while (!read.EndOfMessage);
            var message = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
            if (message.GetProperty("type").GetString() == type) return message;
        }
    }
}
