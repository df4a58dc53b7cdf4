/// Why an orchestration step could not be done, said so a user can act on it.
public struct RunsError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }
}
