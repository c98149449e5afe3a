using System.Text.Json;
using MoodDJ.Client;
using MoodDJ.Host.Web.Live;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Host.Web.Rooms;

/// <summary>
/// The page's music controls while it is in a room: mood, plane, skip, pause, resume and seek go to
/// the room's station over the page's own session (which the station refuses a visitor, with its
/// reason), and the answers go to that page only, marked <c>scope: room</c>.
/// </summary>
internal sealed class RoomStationCommands(StationControlClient client, PageConnection page, string room)
{
    public async Task RunAsync(string type, JsonElement root, CancellationToken ct)
    {
        switch (type)
        {
            case "prompt": await PromptAsync(PageCommands.Text(root), ct); return;
            case "point": await PromptAsync(MoodPoints.Sentence(PageCommands.Number(root, "valence"), PageCommands.Number(root, "arousal")), ct); return;
            case "skip": Now(await client.SkipAsync(ct)); break;
            case "pause": Now(await client.PauseAsync(ct)); break;
            case "resume": Now(await client.ResumeAsync(ct)); break;
            case "seek":
                var position = PageCommands.Number(root, "position");
                if (position < 0) throw new PageCommandException("position must not be negative");
                Now(await client.SeekAsync(TimeSpan.FromSeconds(position), ct));
                break;
            default:
                throw new PageCommandException($"in room '{room}' the page's music controls are prompt, point, skip, pause, resume and seek; leave the room for the house controls");
        }
        await ListAsync(ct);
    }

    private async Task PromptAsync(string text, CancellationToken ct)
    {
        var reply = await client.PromptAsync(text, cancellationToken: ct);
        page.Send(new { type = "reading", scope = "room", room, reading = new { text, mood = reply.Mood, track = reply.Track } });
        await ListAsync(ct);
    }

    private void Now(NowPlayingEvent now) => page.Send(new { type = "nowPlaying", scope = "room", room, nowPlaying = now });

    private async Task ListAsync(CancellationToken ct) =>
        page.Send(new { type = "list", scope = "room", room, list = await client.ListAsync(ct) });
}
