using Motive.IO.Images;

namespace Motive.Methods.Editing;

/// <summary>
/// Where a running edit is: its phase ("invert", "generate source", "move", …), the step within it and how many
/// there are, and now and then a preview of the current estimate (x̂₀). The one progress record of every method.
/// </summary>
public sealed record EditProgress(string Phase, int Step, int Total, RgbImage? Preview = null);
