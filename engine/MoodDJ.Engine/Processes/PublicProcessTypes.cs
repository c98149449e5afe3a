// The process wrapper's source lives in plugins/Shared/Processes (linked into this assembly and into
// the plugins that run tools, which must not reference the engine). There it is internal; these
// declarations make the engine's copy public so hosts, the station and tests can use it.
namespace MoodDJ.Engine.Processes;

public sealed partial class ProcessCommand;

public sealed partial record ProcessResult;

public partial class ProcessCommandException;

public sealed partial class ExecutableNotFoundException;

public static partial class ToolHints;

public sealed partial class RunningProcess;

public static partial class ProcessPipe;
