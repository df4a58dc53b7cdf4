import Glibc

/// Passes SIGTERM, SIGINT and SIGHUP sent to the wrapper on to the job's process group, so a
/// batch system's cancel (or Ctrl-C) stops the whole job tree while the wrapper survives to
/// write the record. The signals are blocked from startup until the job's group exists, so one
/// arriving in between is delivered (and forwarded) right after the spawn instead of lost.
enum SignalForwarding {
    static let signals = [SIGTERM, SIGINT, SIGHUP]

    /// The signals now handled (a signal the wrapper inherited as ignored stays ignored).
    static func install() -> [Int32] {
        var handled: [Int32] = []
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in signals {
            var previous = sigaction()
            sigaction(signal, nil, &previous)
            if unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                continue
            }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = forward
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signal, &action, nil)
            sigaddset(&blocked, signal)
            handled.append(signal)
        }
        sigprocmask(SIG_BLOCK, &blocked, nil)
        return handled
    }

    /// From now on signals go to process group `group` (0: nowhere); pending ones are delivered.
    static func start(forwardingTo group: pid_t) {
        target = group
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in signals { sigaddset(&unblocked, signal) }
        sigprocmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// The last signal forwarded (0: none): cluster mode starts no task after one.
    static var received: Int32 { lastSignal }
}

nonisolated(unsafe) private var lastSignal: Int32 = 0

/// The job's process group; written once before the signals are unblocked, read in the handler.
nonisolated(unsafe) private var target: pid_t = 0

private func forward(_ signal: Int32) {
    lastSignal = signal
    let group = target
    if group > 0 { kill(-group, signal) }
}
