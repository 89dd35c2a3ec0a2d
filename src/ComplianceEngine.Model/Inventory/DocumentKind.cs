namespace ComplianceEngine.Model.Inventory;

/// <summary>The document kinds of the input contract (design section 3) and of rules and policy.</summary>
public static class DocumentKind
{
    public const string Cluster = "Cluster";
    public const string DataStore = "DataStore";
    public const string DataFlow = "DataFlow";
    public const string Recipient = "Recipient";
    public const string Organization = "Organization";
    public const string RulePack = "RulePack";
    public const string Jurisdiction = "Jurisdiction";
    public const string CountryGroup = "CountryGroup";
    public const string Policy = "Policy";
    public const string Waiver = "Waiver";
    public const string TestCase = "TestCase";
    public const string DataCategory = "DataCategory";
    /// <summary>A named list of values rules refer to (<c>{list: NAME}</c>).</summary>
    public const string List = "List";
    /// <summary>A named condition rules refer to (<c>{predicate: NAME}</c>).</summary>
    public const string Predicate = "Predicate";

    /// <summary>Every kind the loader accepts.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Cluster, DataStore, DataFlow, Recipient, Organization, DataCategory, RulePack, Jurisdiction, CountryGroup, List, Predicate, Policy, Waiver, TestCase];
}
