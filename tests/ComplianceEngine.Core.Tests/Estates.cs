namespace ComplianceEngine.Core.Tests;

/// <summary>Small estates as YAML, for evaluation tests.</summary>
internal static class Estates
{
    public static string Cluster(string name, string provider, string region, string extra = "") => $$"""
        apiVersion: compliance/v1
        kind: Cluster
        metadata:
          name: {{name}}
        spec:
          provider: {{provider}}
          region: {{region}}
        {{extra}}
        ---

        """;

    public static string Store(string name, string cluster, string extra = "") => $$"""
        apiVersion: compliance/v1
        kind: DataStore
        metadata:
          name: {{name}}
        spec:
          cluster: {{cluster}}
          categories: [user.contact]
          subjects: [EU]
          subjectTypes: [customer]
          individuals: 1000
        {{extra}}
        ---

        """;

    public static string Flow(string name, string from, string to, string mechanisms = "[]") => $$"""
        apiVersion: compliance/v1
        kind: DataFlow
        metadata:
          name: {{name}}
        spec:
          from: {{from}}
          to: {{to}}
          purpose: processing
          mechanisms: {{mechanisms}}
        ---

        """;

    public static string Recipient(string name, string country, string certifications = "[]") => $$"""
        apiVersion: compliance/v1
        kind: Recipient
        metadata:
          name: {{name}}
        spec:
          country: {{country}}
          certifications: {{certifications}}
        ---

        """;

    /// <summary>A store <c>db</c> on <c>fra</c> (aws eu-central-1, DE) and a store <c>far</c> on <c>away</c> (aws <paramref name="region"/>).</summary>
    public static string TwoSites(string region) =>
        Cluster("fra", "aws", "eu-central-1") + Cluster("away", "aws", region) + Store("db", "fra") + Store("far", "away");
}
