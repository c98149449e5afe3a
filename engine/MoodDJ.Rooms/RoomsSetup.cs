using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Storage;

namespace MoodDJ.Rooms;

/// <summary>Reads the <c>storage</c> and <c>rooms</c> sections (strictly: an unknown key is an error naming it) and opens the store.</summary>
public static class RoomsSetup
{
    public static StorageOptions Storage(IConfiguration configuration)
    {
        var options = SettingsBinder.Bind<StorageOptions>(configuration.GetSection("storage"), "storage");
        options.Validate();
        return options;
    }

    public static RoomsOptions Rooms(IConfiguration configuration)
    {
        var section = configuration.GetSection("rooms");
        var options = SettingsBinder.Bind<RoomsOptions>(section, "rooms");
        // The nested section strictly too: a misspelt key under rooms:central is an error naming it.
        options.Central = SettingsBinder.Bind<Hosted.CentralOptions>(section.GetSection("central"), "rooms:central");
        options.Validate();
        return options;
    }

    /// <summary>Opens the configured database and migrates it; says which database when it cannot.</summary>
    public static async Task<SqlStore> OpenStoreAsync(StorageOptions options, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SqlStore.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or StorageSchemaException))
        {
            var where = options.Provider == StorageOptions.Postgres ? "the PostgreSQL database in storage:connectionString" : options.DatabasePath;
            throw new StorageUnavailableException($"Cannot open {where}: {e.Message.Split('\n')[0]}", e);
        }
    }
}
