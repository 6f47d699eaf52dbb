namespace Motive.Methods.Editing;

/// <summary>
/// An editing method behind the seam: it checks a request whole and reads its inputs (<see cref="Plan"/>: no model
/// is called, so bad input is refused in milliseconds), then runs the plan on a session's models. Registered once
/// in <see cref="EditMethods"/>.
/// </summary>
public interface IEditMethod
{
    /// <summary>The request's <c>"method"</c> value, e.g. "motion-guidance".</summary>
    string Name { get; }

    /// <summary>One line for listings.</summary>
    string Summary { get; }

    /// <summary>The request type, an <see cref="EditRequest"/>.</summary>
    Type RequestType { get; }

    /// <summary>What the method takes from a user, from which the CLI, the editor, the API and batch are built.</summary>
    MethodDescription Description { get; }

    /// <summary>The settings (as the request's "settings" JSON) a request on <paramref name="modelPath"/> gets for what it leaves out: the model's preset over the reference (null path: the embedded model).</summary>
    System.Text.Json.Nodes.JsonObject DefaultSettings(string? modelPath);

    /// <summary>The reference implementation's settings, which a model without a preset runs at.</summary>
    System.Text.Json.Nodes.JsonObject ReferenceSettings { get; }

    /// <summary>
    /// Validates <paramref name="request"/> and opens every input it names (through <paramref name="inputs"/>) with the
    /// model folder's preset filled in for what the request leaves out; throws ArgumentException (the request) or
    /// MotiveFormatException (a file) with one line naming the input and the problem.
    /// </summary>
    IEditPlan Plan(EditRequest request, IEditInputs inputs);
}

/// <summary>A validated edit, inputs read, ready to run.</summary>
public interface IEditPlan : IDisposable
{
    /// <summary>The request with every default filled in: what run.json records.</summary>
    EditRequest Request { get; }

    /// <summary>What a person should know before the run (e.g. that the input was resized).</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>The run's expected peak memory, or null when it cannot be told without loading the model.</summary>
    MemoryEstimate? Memory { get; }

    EditResult Run(EditSession session);
}

/// <summary>
/// The typed side of <see cref="IEditMethod"/>: a method implements <see cref="Plan(TRequest, IEditInputs)"/> for its
/// own request type, and names its settings type and the reference's values; the model presets layer over them here.
/// </summary>
public abstract class EditMethod<TRequest, TSettings> : IEditMethod where TRequest : EditRequest where TSettings : class, new()
{
    public abstract string Name { get; }
    public string Summary => Description.Summary;
    public Type RequestType => typeof(TRequest);
    public abstract MethodDescription Description { get; }

    /// <summary>The reference implementation's settings.</summary>
    public abstract TSettings Reference { get; }

    /// <summary>The settings a request on <paramref name="modelPath"/> gets for what it leaves out: the model's preset (motive.json) over <see cref="Reference"/>.</summary>
    public TSettings Defaults(string? modelPath) =>
        SettingsLayers.Over(MethodPresets.For<TSettings>(modelPath ?? Motive.Models.Loading.EmbeddedModel.Dir, Name) ?? new TSettings(), Reference);

    public System.Text.Json.Nodes.JsonObject DefaultSettings(string? modelPath) => SettingsLayers.ToJson(Defaults(modelPath));

    public System.Text.Json.Nodes.JsonObject ReferenceSettings => SettingsLayers.ToJson(Reference);

    public IEditPlan Plan(EditRequest request, IEditInputs inputs) => request is TRequest r
        ? Plan(r, inputs)
        : throw new ArgumentException($"method {Name} takes a {typeof(TRequest).Name}, not a {request.GetType().Name}");

    public abstract IEditPlan Plan(TRequest request, IEditInputs inputs);
}
