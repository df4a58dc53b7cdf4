#if canImport(Glibc)
import Glibc
#endif

/// Marks the thread that reads a skein-spawner's events. A local attempt's end is handled on
/// it from start to finish (the checks, the record, then the engine's turn, which launches
/// the next job), where a hop to the engine's queue would wake another thread per job; the
/// engine asks `isCurrent` to know it may wait for its queue there (`EngineInbox.postAndRun`).
/// No thread else may: a Slurm poller or a worker could be what the queue itself waits for.
enum SpawnerEventsThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func markCurrent() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }

    static var isCurrent: Bool { pthread_getspecific(key) != nil }
}
