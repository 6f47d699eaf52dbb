using System.CommandLine;
using Motive.Cli.Progress;
using Motive.Methods.Editing;

namespace Motive.Cli.Commands;

/// <summary>
/// How every editing command runs a request: plan it (inputs read and checked), make the result folder (proven
/// writable), load the models, run with progress on stderr, commit the folder, print one line. Nothing of the
/// method is here.
/// </summary>
public static class EditRunner
{
    public static int Run(EditRequest request, IEditInputs inputs, string outDir, string device, double? maxMemoryMiB, InvocationConfiguration io, CancellationToken cancel)
    {
        CheckDevice(device);
        var method = EditMethods.For(request);
        using var plan = method.Plan(request, inputs);
        using var models = new EditModels(device, maxMemoryMiB);
        CheckFits(models, plan);
        using var folder = ResultFolder.Create(outDir);
        foreach (var note in plan.Notes) io.Error.WriteLine("motive: " + note);
        using var result = ConsoleProgress.Edit(io.Error, progress => plan.Run(new EditSession(models, folder.WorkDir, progress, cancel)));
        folder.Commit(plan.Request, result);
        var work = result.Work is { } w ? $"{w}, " : "";
        io.Output.WriteLine($"wrote {outDir}: result.png, summary.png, run.json ({work}{result.Elapsed.TotalSeconds:0.0} s){(result.Headline is { } h ? "; " + h : "")}");
        return CliApp.Ok;
    }

    /// <summary>--max-memory of the commands that run edits.</summary>
    public static Option<double?> MaxMemoryOption() => new("--max-memory")
    {
        Description = "Refuse an edit whose memory estimate is over this many GiB, before loading anything (default: what the device has).",
    };

    /// <summary>--max-memory in MiB (null: the device's own).</summary>
    public static double? MaxMemoryMiB(ParseResult r, Option<double?> option) => r.GetValue(option) switch
    {
        null => null,
        var g when double.IsFinite(g.Value) && g > 0 => g.Value * 1024,
        var g => throw new ArgumentException($"--max-memory must be a number of GiB above 0, not {g}"),
    };

    /// <summary><see cref="EditModels.CheckFits"/> with the option that raises the limit named.</summary>
    public static void CheckFits(EditModels models, IEditPlan plan)
    {
        try
        {
            models.CheckFits(plan);
        }
        catch (EditMemoryException e)
        {
            throw new ArgumentException(e.Message + " (--max-memory GIB sets the limit)", e);
        }
    }

    public static void CheckDevice(string device)
    {
        if (!device.StartsWith("cpu", StringComparison.Ordinal) && !device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"--device must be cpu or cuda, not '{device}'");
        if (device.StartsWith("cuda", StringComparison.Ordinal) && !TorchSharp.torch.cuda.is_available())
            throw new ArgumentException("--device cuda: no CUDA device is available here");
    }
}
