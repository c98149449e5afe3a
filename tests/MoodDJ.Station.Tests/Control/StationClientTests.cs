using System.Net;
using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;
using static MoodDJ.Station.Tests.Control.ControlTestKit;

namespace MoodDJ.Station.Tests.Control;

public sealed class StationClientTests
{
    private static StationClient Client(EndPoint endPoint, Func<StationClientOptions, StationClientOptions>? tweak = null)
    {
        var options = new StationClientOptions
        {
            EndPoint = endPoint,
            ClientName = "test",
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        };
        return new StationClient(Tcp, Aead(), tweak is null ? options : tweak(options));
    }

    [Fact]
    public async Task Calls_get_their_results_and_notifications_arrive_as_a_stream_and_as_events()
    {
        await using var server = await StartServerAsync(Aead());
        await using var client = Client(server.LocalEndPoint);
        var events = 0;
        client.NotificationReceived += _ => Interlocked.Increment(ref events);
        await client.ConnectAsync();
        Assert.Equal(StationClientState.Connected, client.State);
        Assert.StartsWith("token-", client.LastHello.GetProperty("resumeToken").GetString());

        var echo = await client.CallAsync("echo", new PromptParams("I feel calm"));
        Assert.Equal("I feel calm", echo.GetProperty("text").GetString());

        var sent = await client.CallAsync("notify", new { count = 3 });
        Assert.Equal(3, sent.GetProperty("sent").GetInt32());
        var seen = new List<int>();
        using var timeout = new CancellationTokenSource(Patience);
        await foreach (var note in client.ReadNotificationsAsync(timeout.Token))
        {
            Assert.Equal("tick", note.Method);
            seen.Add(note.Params.GetProperty("i").GetInt32());
            if (seen.Count == 3) break;
        }
        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(3, events);
    }

    [Fact]
    public async Task Error_replies_surface_as_JsonRpcException_with_the_code()
    {
        await using var server = await StartServerAsync(Aead());
        await using var client = Client(server.LocalEndPoint);
        await client.ConnectAsync();
        var missing = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync("nope"));
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, missing.Code);
        var rejected = await Assert.ThrowsAsync<JsonRpcException>(() => client.CallAsync("reject"));
        Assert.Equal(JsonRpcErrorCodes.InvalidState, rejected.Code);
        Assert.Equal("not now", rejected.Message);
    }

    [Fact]
    public async Task A_call_the_station_never_answers_times_out_and_the_connection_stays_usable()
    {
        await using var server = await StartServerAsync(Aead());
        await using var client = Client(server.LocalEndPoint);
        await client.ConnectAsync();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync("hang", timeout: TimeSpan.FromMilliseconds(300)));
        Assert.Contains("'hang'", error.Message);
        Assert.Equal(1, (await client.CallAsync("echo", new { v = 1 })).GetProperty("v").GetInt32());
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_with_a_clear_message()
    {
        var server = await StartServerAsync(Aead());
        var endPoint = server.LocalEndPoint;
        await server.DisposeAsync();
        await using var client = Client(endPoint);
        var error = await Assert.ThrowsAsync<IOException>(() => client.ConnectAsync());
        Assert.Contains("Cannot reach the station", error.Message);
    }

    [Fact]
    public async Task After_a_server_restart_the_client_reconnects_and_replays_its_resume_calls()
    {
        var first = await StartServerAsync(Aead());
        var endPoint = (IPEndPoint)first.LocalEndPoint;
        await using var client = Client(endPoint);
        var states = new List<StationClientState>();
        client.StateChanged += (state, _) => { lock (states) states.Add(state); };
        await client.ConnectAsync();
        await client.CallAsync(StationMethods.Prompt, new PromptParams("I feel calm"));
        client.SetResumeCall("prompt", StationMethods.Prompt, new PromptParams("I feel calm"));

        await first.DisposeAsync();
        await EventuallyAsync(() => client.State == StationClientState.Reconnecting, "the client notices the loss");
        await Task.Delay(300); // A few failed attempts while the station is down.

        var handler = new EchoHandler();
        await using var second = await StartServerAsync(Aead(), handler, Options(o => o with { EndPoint = endPoint }));
        await EventuallyAsync(() => client.State == StationClientState.Connected, "the client is back");
        Assert.Equal(1, client.Reconnects);
        // The new station did not know the client: hello, then the remembered prompt.
        Assert.Equal([StationMethods.Hello, StationMethods.Prompt], handler.MethodsSoFar());
        Assert.False(client.LastHello.GetProperty("resumed").GetBoolean());
        Assert.Equal("ok", (await client.CallAsync("echo", new { v = "ok" })).GetProperty("v").GetString());
        lock (states) Assert.Equal([StationClientState.Connecting, StationClientState.Connected, StationClientState.Reconnecting, StationClientState.Connected], states);
    }

    [Fact]
    public async Task A_dropped_connection_to_a_running_station_resumes_by_token_without_replaying()
    {
        var handler = new EchoHandler();
        await using var server = await StartServerAsync(Aead(), handler);
        await using var client = Client(server.LocalEndPoint);
        await client.ConnectAsync();
        client.SetResumeCall("prompt", StationMethods.Prompt, new PromptParams("I feel calm"));
        var token = client.LastHello.GetProperty("resumeToken").GetString();

        await Assert.ThrowsAsync<StationConnectionLostException>(() => client.CallAsync("kick"));
        await EventuallyAsync(() => client.Reconnects == 1 && client.State == StationClientState.Connected, "the client is back");
        Assert.True(client.LastHello.GetProperty("resumed").GetBoolean());
        Assert.Equal(token, client.LastHello.GetProperty("resumeToken").GetString());
        Assert.DoesNotContain(StationMethods.Prompt, handler.MethodsSoFar());
    }

    [Fact]
    public async Task Heartbeats_keep_the_session_past_the_server_idle_timeout()
    {
        var options = Options(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(1200) });
        await using var server = await StartServerAsync(Aead(), options: options);
        await using var client = Client(server.LocalEndPoint, o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(250) });
        await client.ConnectAsync();
        await Task.Delay(3500);
        Assert.Equal(0, server.Stats.Dropped(ControlDropReason.IdleTimeout));
        Assert.Equal(0, client.Reconnects);
        Assert.Equal(StationClientState.Connected, client.State);
    }

    [Fact]
    public async Task Without_heartbeats_the_idle_server_drops_the_client_and_it_reconnects()
    {
        var options = Options(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        await using var server = await StartServerAsync(Aead(), options: options);
        await using var client = Client(server.LocalEndPoint, o => o with { HeartbeatInterval = Timeout.InfiniteTimeSpan });
        await client.ConnectAsync();
        await EventuallyAsync(() => client.Reconnects >= 1, "the client reconnects after the idle drop");
        Assert.True(server.Stats.Dropped(ControlDropReason.IdleTimeout) >= 1);
    }

    [Fact]
    public async Task A_client_refused_by_a_full_server_gets_in_once_there_is_room()
    {
        await using var server = await StartServerAsync(Aead(), options: Options(o => o with { MaxConnections = 1 }));
        var first = Client(server.LocalEndPoint);
        await first.ConnectAsync();
        await using var second = Client(server.LocalEndPoint);
        var refused = await Assert.ThrowsAsync<ControlRefusedException>(() => second.ConnectAsync());
        Assert.Equal(JsonRpcErrorCodes.ServerFull, refused.Code);
        await first.DisposeAsync();
        await EventuallyAsync(() => server.Stats.Active == 0, "the first client left");
        await second.ConnectAsync();
        Assert.Equal(StationClientState.Connected, second.State);
    }
}
