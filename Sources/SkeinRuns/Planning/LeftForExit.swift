/// Values a command that ends right after is done with, kept until the process exits instead
/// of freed: freeing a million-job workflow (validation's model, the planner's jobs) one
/// allocation at a time took 1.4 s of `skein plan`'s end, for memory the exit gives back at
/// once. Only for a process that exits next: anything kept here is never freed.
public enum LeftForExit {
    private final class Kept<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Keeps `value` (its storage, shared with the caller's copy) until the process exits.
    public static func keep<Value>(_ value: Value) {
        _ = Unmanaged.passRetained(Kept(value))
    }
}
