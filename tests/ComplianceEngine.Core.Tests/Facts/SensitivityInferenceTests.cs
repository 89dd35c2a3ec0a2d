using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>sensitiveIndividuals inferred where it follows from the categories and the regime's sensitive categories (issue 11, item 2).</summary>
public sealed class SensitivityInferenceTests
{
    private static readonly SensitivityInference Cn = SensitivityInference.Of(
    [
        new Regime("CN", "China", "PIPL", ["CN"], [], SourceLocation.None) { SensitiveCategories = ["user.health_and_medical", "user.financial"] },
        new Regime("EU", "EU", "GDPR", ["EU"], [], SourceLocation.None),
    ]);

    private static CarriedData Data(double? individuals, params string[] categories) => CarriedData.None with { Categories = [.. categories], Individuals = individuals };

    [Fact]
    public void Infer_EveryCategorySensitive_AllIndividualsAndSaysHow()
    {
        var data = Cn.Infer(Data(50, "user.financial.bank_account", "user.health_and_medical"), ["CN"]);

        Assert.Equal(50, data.SensitiveIndividuals);
        Assert.Equal("inferred: every category carried (user.financial.bank_account, user.health_and_medical) is sensitive under CN, so all 50 individuals",
            data.SensitiveIndividualsInferred);
    }

    [Fact]
    public void Infer_NoCategorySensitive_Zero()
    {
        var data = Cn.Infer(Data(50, "user.contact"), ["CN"]);

        Assert.Equal(0, data.SensitiveIndividuals);
        Assert.StartsWith("inferred: no category carried (user.contact) is sensitive under CN", data.SensitiveIndividualsInferred, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_SomeSensitiveSomeNot_UnknownWithTheReason()
    {
        var data = Cn.Infer(Data(50, "user.contact", "user.financial"), ["CN"]);

        Assert.Null(data.SensitiveIndividuals);
        Assert.Null(data.SensitiveIndividualsInferred);
        Assert.Equal("not declared, and it does not follow from the categories: user.financial is sensitive under CN; user.contact is not",
            data.SensitiveIndividualsUnknown);
    }

    [Fact]
    public void Infer_ParentOfASensitiveCategory_Unknown()
    {
        // "user" may hold health data: neither all nor none of it is sensitive.
        var data = Cn.Infer(Data(50, "user"), ["CN"]);

        Assert.Null(data.SensitiveIndividuals);
        Assert.Contains("user may hold sensitive data", data.SensitiveIndividualsUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_AllSensitiveButIndividualsUnknown_Unknown()
    {
        var data = Cn.Infer(Data(null, "user.financial"), ["CN"]);

        Assert.Null(data.SensitiveIndividuals);
        Assert.Contains("individuals is unknown too", data.SensitiveIndividualsUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_Declared_Untouched()
    {
        var declared = Data(50, "user.financial") with { SensitiveIndividuals = 7 };

        Assert.Same(declared, Cn.Infer(declared, ["CN"]));
    }

    [Fact]
    public void Infer_ARegimeWithoutSensitiveCategories_NothingInferred()
    {
        Assert.Null(Cn.Infer(Data(50, "user.financial"), ["EU"]).SensitiveIndividuals);
        // Judged under both: EU says nothing, so the count does not follow under every regime the fact is judged under.
        var both = Cn.Infer(Data(50, "user.financial"), ["CN", "EU"]);
        Assert.Null(both.SensitiveIndividuals);
        Assert.Contains("EU declares no sensitive categories", both.SensitiveIndividualsUnknown, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_NoCategoriesOrNoRegimes_Untouched()
    {
        var none = Data(50);
        Assert.Same(none, Cn.Infer(none, ["CN"]));
        var data = Data(50, "user.financial");
        Assert.Same(data, Cn.Infer(data, ImmutableArray<string>.Empty));
    }
}
