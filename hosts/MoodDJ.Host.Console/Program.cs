using MoodDJ.Host.Console;

return await MooddjCommandLine.RunAsync(args);
