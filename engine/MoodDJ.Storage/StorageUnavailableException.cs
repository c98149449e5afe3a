namespace MoodDJ.Storage;

/// <summary>The database could not be reached within the write wait: nothing of this call was stored.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database holds a schema newer than this build knows: refuse to touch it.</summary>
public sealed class StorageSchemaException(string message) : Exception(message);
