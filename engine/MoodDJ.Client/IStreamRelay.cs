using MoodDJ.Abstractions.Transport;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>
/// Takes over a player's socket when its subscription is a relaying one (the subscribe result has
/// <see cref="SubscribeResult.Mesh"/>): it receives, verifies and forwards datagrams itself and hands
/// the stream's packets to the player's pipeline through <see cref="PlayerPipeline.Deliver"/>.
/// </summary>
public interface IStreamRelay
{
    /// <summary>Relays until cancelled (one subscription; called again after a re-subscription).</summary>
    Task RunAsync(IDatagramSocket socket, SubscribeResult subscription, PlayerPipeline pipeline, CancellationToken cancellationToken);

    /// <summary>The mesh part of the next reception report.</summary>
    MeshReportDto? DescribeMesh();
}
