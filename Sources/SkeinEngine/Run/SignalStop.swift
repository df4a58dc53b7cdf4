#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// SIGTERM and SIGINT stop the engine cleanly (`WorkflowEngine.stop(reason:)`) instead of
/// killing it: running jobs get SIGTERM, then SIGKILL after the kill grace, and the workflow
/// is recorded as stopped. A second signal during the grace forces at once. The signals are
/// ignored by the default handler and read from a Dispatch source, so no handler code runs
/// in signal context; jobs still get default dispositions (the spawners set them).
public final class SignalStop: @unchecked Sendable {
    private var sources: [(signal: Int32, source: DispatchSourceSignal)] = []

    public init(engine: WorkflowEngine, signals: [Int32] = [SIGTERM, SIGINT]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let name = number == SIGTERM ? "SIGTERM" : number == SIGINT ? "SIGINT" : "signal \(number)"
            source.setEventHandler { [weak engine] in engine?.stop(reason: "received \(name)") }
            source.resume()
            sources.append((number, source))
        }
    }

    /// Gives the signals back their default action.
    public func cancel() {
        for (number, source) in sources {
            source.cancel()
            signal(number, SIG_DFL)
        }
        sources.removeAll()
    }
}
