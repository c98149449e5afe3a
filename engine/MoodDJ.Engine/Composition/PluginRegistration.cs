using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Engine.Composition;

/// <summary>What one plugin's Register call added: its service descriptors and the implementations it offers.</summary>
public sealed record PluginRegistration(string PluginId, IReadOnlyList<ServiceDescriptor> Services, IReadOnlyList<PluginImplementation> Implementations);
