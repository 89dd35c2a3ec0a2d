using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>Dangling references: one diagnostic per reference, its text and position fixed (the checks allocate nothing when they pass).</summary>
public sealed class EstateLinkerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Check_EveryKindOfDanglingReference_MessageAndPositionAsBefore(bool fromEvents)
    {
        const string yaml = """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: c1}
            spec: {provider: aws, region: eu-west-1, disasterRecovery: {targets: [zzz-target]}}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: s1}
            spec: {cluster: zzz-cluster, replicas: [zzz-replica], backups: [zzz-backup]}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: s2}
            spec: {recipient: zzz-recipient}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f1}
            spec: {from: zzz-from, to: zzz-to}
            """;
        using var dir = new TempDir();
        var file = dir.Write("estate.yaml", yaml);
        var bag = new DiagnosticBag();
        new WorkspaceLoader(new DocumentLoader { ReadRecordsFromEvents = fromEvents }).LoadEstate([file], bag);
        var messages = bag.Sorted().Select(d => $"{d.Code} {d.Location.Line}:{d.Location.Column} {d.Message}").ToList();
        Assert.Equal(
        [
            "CE3001 4:71 Cluster 'c1' disasterRecovery target 'zzz-target' does not name any Cluster or DataStore or Recipient",
            "CE3001 9:17 DataStore 's1' cluster 'zzz-cluster' does not name any Cluster",
            "CE3001 9:41 DataStore 's1' replica 'zzz-replica' does not name any Cluster or DataStore",
            "CE3001 9:65 DataStore 's1' backup 'zzz-backup' does not name any DataStore",
            "CE3001 14:19 DataStore 's2' recipient 'zzz-recipient' does not name any Recipient",
            "CE3001 19:14 DataFlow 'f1' from 'zzz-from' does not name any DataStore or Cluster",
            "CE3001 19:28 DataFlow 'f1' to 'zzz-to' does not name any DataStore or Cluster or Recipient",
        ], messages);
    }

    /// <summary>
    /// A reference that names a document of another kind (a backup naming a Cluster, a flow's source naming a Recipient)
    /// is CE3002 naming the kind it is, not "does not name any": the name exists, the kind is the mistake.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Check_ReferenceToADocumentOfAnotherKind_IsWrongReferenceKind(bool fromEvents)
    {
        const string yaml = """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: fra}
            spec: {provider: aws, region: eu-central-1}
            ---
            apiVersion: compliance/v1
            kind: Recipient
            metadata: {name: crm}
            spec: {country: US}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: crm, backups: [fra]}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f1}
            spec: {from: crm, to: f1-copy}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f1-copy}
            spec: {from: db, to: crm}
            """;
        using var dir = new TempDir();
        var file = dir.Write("estate.yaml", yaml);
        var bag = new DiagnosticBag();
        new WorkspaceLoader(new DocumentLoader { ReadRecordsFromEvents = fromEvents }).LoadEstate([file], bag);
        var messages = bag.Sorted().Where(d => d.Code is DiagnosticCodes.DanglingReference or DiagnosticCodes.WrongReferenceKind)
            .Select(d => $"{d.Code} {d.Location.Line}:{d.Location.Column} {d.Message}").ToList();
        Assert.Equal(
        [
            "CE3002 14:17 DataStore 'db' cluster 'crm' is a Recipient, not a Cluster",
            "CE3002 14:32 DataStore 'db' backup 'fra' is a Cluster, not a DataStore",
            "CE3002 19:14 DataFlow 'f1' from 'crm' is a Recipient, not a DataStore or Cluster",
            "CE3002 19:23 DataFlow 'f1' to 'f1-copy' is a DataFlow, not a DataStore or Cluster or Recipient",
        ], messages);
    }
}
