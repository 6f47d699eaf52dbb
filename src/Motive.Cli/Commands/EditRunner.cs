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
    public static int Run(EditRequest request, IEditInputs inputs, string outDir, string device, InvocationConfiguration io, CancellationToken cancel)
    {
        CheckDevice(device);
        var method = EditMethods.For(request);
        using var plan = method.Plan(request, inputs);
        foreach (var note in plan.Notes) io.Error.WriteLine("motive: " + note);
        using var folder = ResultFolder.Create(outDir);
        using var models = new EditModels(device);
        using var result = ConsoleProgress.Edit(io.Error, progress => plan.Run(new EditSession(models, folder.WorkDir, progress, cancel)));
        folder.Commit(plan.Request, result);
        var work = result.Work is { } w ? $"{w}, " : "";
        io.Output.WriteLine($"wrote {outDir}: result.png, summary.png, run.json ({work}{result.Elapsed.TotalSeconds:0.0} s){(result.Headline is { } h ? "; " + h : "")}");
        return CliApp.Ok;
    }

    public static void CheckDevice(string device)
    {
        if (!device.StartsWith("cpu", StringComparison.Ordinal) && !device.StartsWith("cuda", StringComparison.Ordinal))
            throw new ArgumentException($"--device must be cpu or cuda, not '{device}'");
        if (device.StartsWith("cuda", StringComparison.Ordinal) && !TorchSharp.torch.cuda.is_available())
            throw new ArgumentException("--device cuda: no CUDA device is available here");
    }
}
