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
}
