using System.CommandLine;
using System.Security.Cryptography;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj keygen`: a new random station key (32 bytes, base64) for the aead and fernet crypto
/// plugins. The key alone goes to stdout (so `mooddj keygen > key.txt` works); how to use it goes to stderr.
/// </summary>
internal sealed class KeygenCommand : ICliCommand
{
    public const int KeyBytes = 32;

    public Command Create(GlobalOptions globals)
    {
        var command = new Command("keygen", "Print a new random station key (base64) for mooddj.json's station.key.");
        command.SetAction(parseResult =>
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));
            System.Console.Out.WriteLine(key);
            System.Console.Error.WriteLine();
            System.Console.Error.WriteLine("Optional: `mooddj server` makes and keeps its own key, and listeners get it with --join.");
            System.Console.Error.WriteLine("To choose the key yourself, put it in mooddj.json on the station and on every client and player (keep it secret):");
            System.Console.Error.WriteLine($"  \"station\": {{ \"key\": \"{key}\" }}");
            System.Console.Error.WriteLine("or set the environment variable MOODDJ__station__key. The aead (default) and fernet crypto plugins read it.");
            return 0;
        });
        return command;
    }
}
