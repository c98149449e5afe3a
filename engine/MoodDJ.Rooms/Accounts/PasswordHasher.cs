using System.Security.Cryptography;
using System.Text;

namespace MoodDJ.Rooms.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a random 16-byte salt per user and a 32-byte hash. The password's UTF-8
/// bytes are wiped after use; comparison is constant-time.
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    public int Iterations { get; } = iterations >= RoomsOptions.MinIterations
        ? iterations
        : throw new ArgumentOutOfRangeException(nameof(iterations), iterations, $"PBKDF2 needs at least {RoomsOptions.MinIterations} iterations.");

    public (byte[] Salt, byte[] Hash) Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (salt, Derive(password, salt, Iterations));
    }

    public static bool Verify(string password, byte[] salt, byte[] expected, int iterations)
    {
        var actual = Derive(password, salt, iterations);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Derive(string password, byte[] salt, int iterations)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
