using System.Security.Cryptography;
using System.Text;

namespace MoodDJ.Peers.Swarm;

/// <summary>Azureus-style peer ids ("-MD0001-" and 12 random bytes), so other clients can tell MoodDJ apart.</summary>
public static class PeerIds
{
    public static byte[] New()
    {
        byte[] id = new byte[20];
        Encoding.ASCII.GetBytes("-MD0001-").CopyTo(id, 0);
        RandomNumberGenerator.Fill(id.AsSpan(8));
        return id;
    }
}
