/// The scheduler's types (WorkflowOutcome, AttemptOutcome, ...) and the clock are part of
/// the engine's API: callers of SkeinEngine get them without a second import.
@_exported import SkeinEngineCore
