using Microsoft.Extensions.Logging;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Control;

/// <summary>
/// Shows messages synced from a hosted room's other server to the sessions in the room here. Up to
/// <c>rooms:catchUpLiveMessages</c> of them per room per <see cref="Window"/> go one by one as
/// <c>roomMessage</c>; past that (a catch-up after a split: thousands, in batches of <c>rooms:syncBatch</c>)
/// the room hears one <c>roomHistoryGrew</c> at once and then at most one more per window, each summing
/// what was stored since, so a member's client never falls the control server's send queue behind.
/// Once a notice is waiting, every later batch joins it (even a small one), so members never see a live
/// message before the notice of messages stored ahead of it; and a window that begins with a notice
/// shows nothing one by one, so the catch-up goes on in notices until a window passes with nothing synced.
/// </summary>
internal sealed class CatchUpNotices(RoomPresence presence, int liveLimit, ILogger log) : IAsyncDisposable
{
    /// <summary>The interval of the live count and the shortest gap between two notices for one room.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Dictionary<long, Room> _rooms = [];
    private readonly CancellationTokenSource _stop = new();

    private sealed class Room
    {
        public long Until;        // end of the current window (Environment.TickCount64)
        public int Live;          // synced messages shown one by one in this window
        public bool Noticed;      // a notice went out in this window
        public bool Scheduled;    // a notice waits for the window's end
        public int Added;
        public long First = long.MaxValue, Last;

        public RoomHistoryGrewEvent Take(string room)
        {
            var e = new RoomHistoryGrewEvent(room, Added, SyncId(First), SyncId(Last));
            (Added, First, Last) = (0, long.MaxValue, 0);
            return e;
        }
    }

    private static string SyncId(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Shows <paramref name="stored"/> (newly stored messages of one sync batch, in id order) to the room.</summary>
    public async Task DeliverAsync(RoomRecord room, IReadOnlyList<ChatMessage> stored)
    {
        if (stored.Count == 0) return;
        RoomHistoryGrewEvent? notice = null;
        lock (_rooms)
        {
            var now = Environment.TickCount64;
            if (!_rooms.TryGetValue(room.Id, out var state)) _rooms[room.Id] = state = new Room();
            if (now >= state.Until && !state.Scheduled) (state.Until, state.Live, state.Noticed) = (now + (long)Window.TotalMilliseconds, 0, false);
            if (state.Added == 0 && state.Live + stored.Count <= liveLimit)
            {
                state.Live += stored.Count;
            }
            else
            {
                state.Added += stored.Count;
                state.First = Math.Min(state.First, stored.Min(m => m.Id));
                state.Last = Math.Max(state.Last, stored.Max(m => m.Id));
                if (state.Scheduled) return;
                if (!state.Noticed)
                {
                    state.Noticed = true;
                    notice = state.Take(room.Name);
                }
                else
                {
                    state.Scheduled = true;
                    _ = FlushLaterAsync(room, TimeSpan.FromMilliseconds(Math.Max(0, state.Until - now)));
                    return;
                }
            }
        }
        if (notice is not null)
        {
            await SendAsync(room, notice).ConfigureAwait(false);
            return;
        }
        foreach (var m in stored)
        {
            var dto = RoomWire.Dto(m, room);
            foreach (var present in presence.In(room.Id))
                await present.Session.NotifyAsync(RoomMethods.RoomMessage, dto).ConfigureAwait(false);
        }
    }

    /// <summary>At the window's end: one notice for everything stored since the last, which opens a new window.</summary>
    private async Task FlushLaterAsync(RoomRecord room, TimeSpan wait)
    {
        try
        {
            await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
            RoomHistoryGrewEvent notice;
            lock (_rooms)
            {
                var state = _rooms[room.Id];
                // The new window shows nothing one by one: the catch-up goes on in notices until a window passes with nothing synced.
                (state.Until, state.Live, state.Noticed, state.Scheduled) = (Environment.TickCount64 + (long)Window.TotalMilliseconds, liveLimit, true, false);
                notice = state.Take(room.Name);
            }
            await SendAsync(room, notice).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { } // shutting down: nobody is left to tell
        catch (Exception e)
        {
            log.LogWarning(e, "The history-grew notice of room '{Room}' was not sent.", room.Name);
        }
    }

    private async Task SendAsync(RoomRecord room, RoomHistoryGrewEvent notice)
    {
        foreach (var present in presence.In(room.Id))
            await present.Session.NotifyAsync(RoomMethods.RoomHistoryGrew, notice).ConfigureAwait(false);
    }

    // The source is not disposed: a batch delivered while shutting down may still ask for its token.
    public async ValueTask DisposeAsync() => await _stop.CancelAsync().ConfigureAwait(false);
}
