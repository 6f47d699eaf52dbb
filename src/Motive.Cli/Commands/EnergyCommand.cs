using System.CommandLine;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>`motive energy NAME`: a method's energy evaluated once, for inspection; one subcommand per energy a method describes (<see cref="MethodDescription.Energies"/>).</summary>
public static class EnergyCommand
{
    public static Command Create()
    {
        var cmd = new Command("energy", "Evaluate a guidance energy once, for inspection.");
        foreach (var energy in EditMethods.All.SelectMany(m => m.Description.Energies))
            cmd.Add(ToolCommand.Create(energy));
        return cmd;
    }
}
