import EHCCore

/// The `rules:` block of SPEC §8 is the core's `AdviceRules`: one type, so the value
/// the config holds is the value the reconciler and deadlines use.
public typealias Rules = AdviceRules
