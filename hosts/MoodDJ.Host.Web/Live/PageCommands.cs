using System.Text.Json;
using MoodDJ.Host.Web.Audio;
using MoodDJ.Host.Web.Peers;
using MoodDJ.Host.Web.Rooms;
using MoodDJ.Host.Web.Stations;
using MoodDJ.Protocol;

namespace MoodDJ.Host.Web.Live;

/// <summary>
/// What a page asks for (docs/web.md, "Page to host"): each command becomes a station call; the
/// answer goes to every page through the hub, a failure to the asking page as a one-line error.
/// </summary>
public sealed class PageCommands(IStationLink link, ServerSpeakers speakers, IPeerPanel peers, PageHub hub)
{
    public const int MaxPromptLength = 2000;

    public async Task HandleAsync(PageConnection page, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        string? type = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                throw new PageCommandException("a message needs a string 'type'");
            type = typeElement.GetString();
            if (type == "room")
            {
                var rooms = page.Rooms ??= new PageRooms(link, page);
                var was = rooms.Room;
                await rooms.HandleAsync(root, cancellationToken);
                if (was is not null && rooms.Room is null) await hub.SendHouseAsync(page, cancellationToken);
                return;
            }
            // In a room, the music controls act on the room's own station through the page's session.
            if (page.Rooms is { Room: { } room, Client: { } roomClient })
                await new RoomStationCommands(roomClient, page, room).RunAsync(type!, root, cancellationToken);
            else
                await RunAsync(type!, root, cancellationToken);
        }
        catch (JsonException e)
        {
            page.Send(new { type = "error", message = $"The host could not read that message as JSON: {e.Message}" });
        }
        catch (PageCommandException e)
        {
            page.Send(new { type = "error", message = $"'{type ?? "?"}': {e.Message}." });
        }
        catch (JsonRpcException e)
        {
            page.Send(new { type = "error", message = $"The station refused '{type}': {e.Message}" });
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
        {
            page.Send(new { type = "error", message = $"'{type}' did not reach the station: {e.Message}" });
        }
    }

    private async Task RunAsync(string type, JsonElement root, CancellationToken ct)
    {
        var client = link.Client;
        switch (type)
        {
            case "prompt":
                await PromptAsync(Text(root), ct);
                break;
            case "point":
                await PromptAsync(MoodPoints.Sentence(Number(root, "valence"), Number(root, "arousal")), ct);
                break;
            case "skip": hub.NowPlaying(await client.SkipAsync(ct)); break;
            case "pause": hub.NowPlaying(await client.PauseAsync(ct)); break;
            case "resume": hub.NowPlaying(await client.ResumeAsync(ct)); break;
            case "seek":
                var position = Number(root, "position");
                if (position < 0) throw new PageCommandException("position must not be negative");
                hub.NowPlaying(await client.SeekAsync(TimeSpan.FromSeconds(position), ct));
                break;
            case "speakers":
                await speakers.SetAsync(Flag(root), ct);
                hub.PanelNow();
                break;
            case "discovery":
                if (await peers.SetDiscoveryAsync(Flag(root), ct) is { } noDiscovery) throw new PageCommandException(noDiscovery);
                hub.PanelNow();
                break;
            case "p2pStream":
                if (await peers.SetStreamAsync(Flag(root), ct) is { } noStream) throw new PageCommandException(noStream);
                hub.PanelNow();
                break;
            default:
                throw new PageCommandException("unknown command; the page sends prompt, point, skip, pause, resume, seek, speakers, discovery or p2pStream");
        }
    }

    private async Task PromptAsync(string text, CancellationToken ct)
    {
        var reply = await link.Client.PromptAsync(text, cancellationToken: ct);
        hub.Reading(text, reply);
    }

    internal static string Text(JsonElement root)
    {
        if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(text.GetString()))
            throw new PageCommandException("type a mood first ('text' is empty)");
        var value = text.GetString()!.Trim();
        return value.Length <= MaxPromptLength ? value : throw new PageCommandException($"the mood text is longer than {MaxPromptLength} characters");
    }

    internal static double Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && double.IsFinite(value.GetDouble())
            ? value.GetDouble() : throw new PageCommandException($"'{name}' must be a number");

    private static bool Flag(JsonElement root) =>
        root.TryGetProperty("on", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : throw new PageCommandException("'on' must be true or false");
}

public sealed class PageCommandException(string message) : Exception(message);
