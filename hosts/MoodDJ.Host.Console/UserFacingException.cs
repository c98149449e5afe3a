namespace MoodDJ.Host.Console;

/// <summary>A mistake the user can fix; printed as one line without a stack trace.</summary>
internal sealed class UserFacingException(string message) : Exception(message);
