namespace Motive.Tests.Support;

/// <summary>Tests that measure the whole process (memory) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial (process-wide measurements)";
}
