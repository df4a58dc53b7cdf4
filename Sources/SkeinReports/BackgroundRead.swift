import Foundation

/// A read on a database connection of its own on another thread, started at once and
/// waited for when its result is needed: on two cores a report's largest scans overlap
/// instead of adding up. Its pages are read, not mapped: the first connection maps them.
final class BackgroundRead<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    init(path: String, _ read: @escaping @Sendable (ReportDatabase) throws -> Value) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            result = Result { try read(ReportDatabase(path: path, memoryMapped: false)) }
            done.signal()
        }
    }

    func wait() throws -> Value {
        done.wait()
        done.signal()  // a second wait returns at once
        return try result!.get()
    }
}
