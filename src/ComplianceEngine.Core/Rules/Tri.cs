namespace ComplianceEngine.Core.Rules;

/// <summary>Three-valued logic (Kleene): a condition over an unknown fact is <see cref="Unknown"/>, never false.</summary>
public enum Tri : byte
{
    False = 0,
    True = 1,
    Unknown = 2,
}

/// <summary>What a rule says about one fact.</summary>
public enum Judgement : byte
{
    NotApplicable = 0,
    Pass = 1,
    Violation = 2,
    Indeterminate = 3,
}
