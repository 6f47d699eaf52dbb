using Motive.Cli;

return CliApp.Run(args);
