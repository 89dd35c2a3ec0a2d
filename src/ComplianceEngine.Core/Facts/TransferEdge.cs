using System.Collections.Immutable;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// What a transfer shares with the onward hops along it: its endpoints and how the data moves (purpose, mechanisms,
/// encryption, retention, graph nodes, where it was declared, the source store's key location). One per direct transfer,
/// set while the transfer is initialised and never after; an onward hop holds its edge's (it is not copied per hop, and
/// there can be millions of hops).
/// </summary>
internal sealed class TransferEdge(Site source, Site destination, string purpose)
{
    /// <summary>Where the data leaves from.</summary>
    public Site Source { get; } = source;

    /// <summary>Where it goes.</summary>
    public Site Destination { get; } = destination;

    /// <summary>replication, backup, analytics, ...</summary>
    public string Purpose { get; } = purpose;

    /// <summary>Declared legal bases (scc, bcr, idta, ...).</summary>
    public ImmutableArray<string> Mechanisms { get; set; } = [];

    /// <summary>Encrypted in transit.</summary>
    public bool? EncryptedInTransit { get; set; }

    /// <summary>Pseudonymised before it moves.</summary>
    public bool? Pseudonymised { get; set; }

    /// <summary>How long the destination keeps it, in hours.</summary>
    public double? RetentionHours { get; set; }

    /// <summary>Graph node the data leaves.</summary>
    public string FromNode { get; set; } = string.Empty;

    /// <summary>Graph node the data reaches.</summary>
    public string ToNode { get; set; } = string.Empty;

    /// <summary>Where the edge that makes the transfer was written.</summary>
    public SourceLocation DeclaredAt { get; set; } = SourceLocation.None;

    /// <summary>The source store's encryption key location, when known.</summary>
    public string? KeyCountry { get; set; }
}

/// <summary>
/// Marks a fact's field that places the fact rather than describing it (an onward hop's edge and node in its search, from
/// which its path is traced on first read): two facts that differ only there hold the same values (see
/// <c>StructuralEquality</c>, which compares the path itself).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NotFactDataAttribute : Attribute;
