using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// The configuration is unusable: a file is malformed, a key has the wrong type, or a name in
/// <c>use</c> matches no installed plugin. The message is one line naming the file or key and what to do.
/// </summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
