using System.Reflection;
using Motive.Tests.Support;

namespace Motive.Tests;

/// <summary>
/// Every test class of this assembly carries exactly one known <see cref="Tier"/>, at class level, so that the fast
/// tier's filter (README) runs what it says and leaves nothing out by accident.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class TierTests
{
    [Fact]
    public void EveryTestClass_HasExactlyOneKnownCategory()
    {
        var problems = Problems(typeof(TierTests).Assembly.GetExportedTypes());
        Assert.True(problems.Count == 0, $"{problems.Count} test method(s) without one known tier ({string.Join(", ", Tier.All)}):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void TheCheck_NamesEveryMethodOfAnUntieredOrMistieredClass_AndPassesATieredOne()
    {
        var problems = Problems([typeof(Untiered), typeof(Mistiered), typeof(Twice), typeof(OnTheMethod), typeof(Tiered)]);
        Assert.Equal(
        [   // in the order of the classes' full names, then the methods'
            $"{typeof(Mistiered).FullName}.A: unknown Category 'Slow'",
            $"{typeof(OnTheMethod).FullName}.A: a Category trait on the method (Integration); the class's is the only one",
            $"{typeof(Twice).FullName}.A: 2 Category traits on the class (Unit, Parity)",
            $"{typeof(Untiered).FullName}.A: no Category trait on the class",
            $"{typeof(Untiered).FullName}.B: no Category trait on the class",
        ], problems);
    }

    /// <summary>One line per test method (a [Fact], [Theory] or any other FactAttribute) whose class breaks the rule.</summary>
    public static List<string> Problems(IEnumerable<Type> types)
    {
        var problems = new List<string>();
        foreach (var type in types.Where(t => t.IsClass && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var tests = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
                .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
            if (tests.Count == 0) continue;
            var tiers = Categories(type.GetCustomAttributesData());
            string? classProblem = tiers.Count switch
            {
                0 => "no Category trait on the class",
                1 when !Tier.All.Contains(tiers[0]) => $"unknown Category '{tiers[0]}'",
                1 => null,
                _ => $"{tiers.Count} Category traits on the class ({string.Join(", ", tiers)})",
            };
            foreach (var test in tests)
            {
                var onMethod = Categories(test.GetCustomAttributesData());
                var problem = classProblem ?? (onMethod.Count > 0 ? $"a Category trait on the method ({string.Join(", ", onMethod)}); the class's is the only one" : null);
                if (problem is not null) problems.Add($"{type.FullName}.{test.Name}: {problem}");
            }
        }
        return problems;
    }

    /// <summary>The values of the [Trait("Category", value)] among <paramref name="attributes"/>.</summary>
    private static List<string> Categories(IEnumerable<CustomAttributeData> attributes) =>
        attributes.Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Tier.Category)
            .Select(a => (string?)a.ConstructorArguments[1].Value ?? "").ToList();

    // Samples for the check above. They are private, so xunit does not run them (it runs public classes only).
#pragma warning disable xUnit1000 // test classes must be public: these are samples, not tests
    private sealed class Untiered
    {
        [Fact] public void A() { }
        [Theory, InlineData(1)] public void B(int x) => Assert.Equal(1, x);
    }

    [Trait(Tier.Category, "Slow")]
    private sealed class Mistiered
    {
        [Fact] public void A() { }
    }

    [Trait(Tier.Category, Tier.Unit), Trait(Tier.Category, Tier.Parity)]
    private sealed class Twice
    {
        [Fact] public void A() { }
    }

    [Trait(Tier.Category, Tier.Unit)]
    private sealed class OnTheMethod
    {
        [Fact, Trait(Tier.Category, Tier.Integration)] public void A() { }
    }

    [Trait(Tier.Category, Tier.Unit), Trait("Other", "x")]
    private sealed class Tiered
    {
        [Fact] public void A() { }
    }
#pragma warning restore xUnit1000
}
