/// A problem the TUI shows in place of data it could not read.
public struct TUIError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
