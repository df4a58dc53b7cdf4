/// A run directory that cannot be read or written: a missing or foreign plan, a plan of
/// another format version, an engine already holding the run, a file that cannot be made.
public struct RunFormatError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
