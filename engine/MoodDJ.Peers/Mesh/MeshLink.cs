using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Peers.Mesh;

/// <summary>One parent or child of a peer: where it is (serialized once for sends) and when it was last heard.</summary>
internal sealed class MeshLink(long id, IPEndPoint endPoint)
{
    public long Id { get; } = id;

    public IPEndPoint EndPoint { get; } = endPoint;

    public SocketAddress Address { get; } = endPoint.Serialize();

    public long LastHeard;

    /// <summary>When a packet from this link last passed the signature check (Stopwatch ticks).</summary>
    public long LastVerified;

    public long LastSent;

    /// <summary>A parent's hop count from the station and its ancestry (station side first, the parent last).</summary>
    public int Hops;
    public long[] Ancestry = [];

    /// <summary>Forged or altered packets this link sent.</summary>
    public int Forged;

    /// <summary>Resends this child may still ask for in the current second (see <see cref="MeshResendBudget"/>).</summary>
    public MeshResendBudget Resends = new();

    public bool Is(SocketAddress address) => Address.Equals(address);
}
