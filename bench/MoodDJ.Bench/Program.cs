using System.Reflection;
using BenchmarkDotNet.Running;
using MoodDJ.Bench;

// `dotnet run -c Release --project bench/MoodDJ.Bench -- <scenario>` runs one end-to-end scenario
// (a class implementing IBenchScenario, matched by Name); anything else goes to BenchmarkDotNet
// (`-- --filter '*Seal*'`).
var scenarios = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchScenario).IsAssignableFrom(t))
    .Select(t => (IBenchScenario)Activator.CreateInstance(t)!)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length > 0 && scenarios.TryGetValue(args[0], out var scenario))
    return await scenario.RunAsync(args[1..]);

if (args.Length == 0)
{
    Console.WriteLine("Scenarios: " + string.Join(", ", scenarios.Keys.Order()));
    Console.WriteLine("Or BenchmarkDotNet options, e.g. --filter '*'");
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(IBenchScenario).Assembly).Run(args);
return 0;
