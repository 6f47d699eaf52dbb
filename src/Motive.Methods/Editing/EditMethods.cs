using Motive.Methods.DragDiffusion;
using Motive.Methods.GuideAndRescale;
using Motive.Methods.MotionGuidance;
using Motive.Methods.ClassifierGuidance;
using Motive.Methods.PromptToPrompt;
using Motive.Methods.WarpInpaint;

namespace Motive.Methods.Editing;

/// <summary>The registry: every method the seam knows, by name. A new method is its folder plus one line here.</summary>
public static class EditMethods
{
    public static readonly IReadOnlyList<IEditMethod> All =
    [
        new MotionGuidanceMethod(),
        new DragMethod(),
        new GarMethod(),
        new P2pMethod(),
        new ClassifierGuidanceMethod(),
        new WarpInpaintMethod(),
    ];

    public static IEditMethod Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"unknown method '{name}'; known: {string.Join(", ", All.Select(m => m.Name))}");

    public static IEditMethod For(EditRequest request) =>
        All.FirstOrDefault(m => m.RequestType == request.GetType())
        ?? throw new ArgumentException($"no method takes a {request.GetType().Name}");
}
