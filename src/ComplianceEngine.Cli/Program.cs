using ComplianceEngine.Cli;

// A bug, on this thread or another, is one line and a crash file (exit 70), never a stack trace or an abort.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
    Environment.Exit(CrashReport.Report(e.ExceptionObject as Exception ?? new InvalidOperationException("unknown error"), Console.Error, args));
return CrashReport.Run(() => CliApp.Run(args, new CliConsole(Console.Out, Console.Error) { ErrorIsTerminal = !Console.IsErrorRedirected }), Console.Error, args);
