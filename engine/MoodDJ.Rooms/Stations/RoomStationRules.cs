using MoodDJ.Protocol;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Stations;

/// <summary>
/// What a session needs to be in a room to call a station method on that room's station: anyone in
/// the room listens; members (and the owner) set the mood, skip, like, dislike, play a chosen track and talk; only the owner
/// pauses, resumes, seeks or stops the music everyone hears. A method not named here needs a member.
/// </summary>
public static class RoomStationRules
{
    public static RoomRole Needs(string method) => method switch
    {
        StationMethods.Hello or StationMethods.Auth or StationMethods.Ping or StationMethods.Subscribe or StationMethods.Unsubscribe
            or StationMethods.SetVolume or StationMethods.Report or StationMethods.Status or StationMethods.List or StationMethods.Catalog or StationMethods.MeshParents
            => RoomRole.Visitor,
        StationMethods.Pause or StationMethods.Resume or StationMethods.Seek or StationMethods.Stop => RoomRole.Owner,
        _ => RoomRole.Member,
    };

    /// <summary>Null when <paramref name="role"/> may call <paramref name="method"/> in <paramref name="room"/>, else why not.</summary>
    public static string? Refusal(string method, RoomRole? role, string room) => (Needs(method), role) switch
    {
        (_, null) => $"That is the station of room '{room}'; join the room to listen there.",
        (RoomRole.Member, RoomRole.Visitor) => $"Visitors of '{room}' listen and read; log in and join it to {Verb(method)}.",
        (RoomRole.Owner, not RoomRole.Owner) => $"Only the owner of '{room}' may {Verb(method)} its station.",
        _ => null,
    };

    private static string Verb(string method) => method switch
    {
        StationMethods.Prompt => "set its mood",
        StationMethods.Skip => "skip",
        StationMethods.Talk => "talk over its music",
        StationMethods.Play => "choose what it plays",
        _ => method,
    };
}
