using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>What one plugin's Register call added: its service descriptors and the implementations it offers.</summary>
public sealed record PluginRegistration(string PluginId, IReadOnlyList<ServiceDescriptor> Services, IReadOnlyList<PluginImplementation> Implementations);
