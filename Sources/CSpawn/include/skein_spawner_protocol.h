#ifndef SKEIN_SPAWNER_PROTOCOL_H
#define SKEIN_SPAWNER_PROTOCOL_H

#include <stdint.h>
#include <sys/resource.h>

/// The wire format between the engine and skein-spawner, over one Unix stream socket that is
/// the spawner's descriptor 0.
///
/// Why a separate process at all: Linux carries the peak RSS of the process that calls exec
/// into the exec'd program's maxrss, and posix_spawn's child shares the engine's memory until
/// exec, so every job started by the engine itself would report the engine's size. Started
/// from this small process, a job's maxrss is its own, as a kickstart record promises.
///
/// Request (engine -> spawner): a uint32_t byte count (host order), then that many bytes of
/// NUL-terminated strings:
///   mode ("group": new process group, "session": new session, "slots:POOL:LIMIT": a new
///   process group that takes one of LIMIT slots of pool POOL, a number the engine picks for
///   one run's jobs: started at once while the pool has a free slot, otherwise queued and
///   started, in request order, the moment one of the pool's processes ends, without waiting
///   for the engine to hear of that end and send the next request; a waiting request's stdout
///   and stderr are opened while it waits; "cancel:N": not a process but the cancel of
///   request N if it still waits for a slot, which then never starts and is answered FAILED
///   with ECANCELED; a cancel is not numbered, has no answer of its own, and needs no other
///   strings), executable (searched in PATH
///   when it has no slash), working directory, stdin ("" reads /dev/null), stdout, stderr
///   ("" shares stdout's file; stdout and stderr are opened with O_NOFOLLOW; stdin may be an input link), argc in decimal, the argc arguments (argv[0] first), then the
///   environment's NAME=value strings up to the end.
///
/// Events (spawner -> engine): fixed-size `skein_spawner_event` records. Every request gets
/// exactly one STARTED or FAILED event, naming the request by its number (requests are
/// numbered from 0 in the order they arrive; a queued request's event comes when it starts);
/// every started process later gets one EXITED event. The spawner exits when the engine
/// closes its end; requests still queued then are never started.
enum {
    SKEIN_SPAWNER_STARTED = 1,  ///< `pid` started.
    SKEIN_SPAWNER_FAILED = 2,   ///< posix_spawn failed; `status` is its errno.
    SKEIN_SPAWNER_EXITED = 3,   ///< `pid` ended; `status` is the raw wait status, `usage` from wait4.
};

struct skein_spawner_event {
    int32_t kind;
    int32_t pid;
    int32_t status;
    /// STARTED and FAILED: the request's number.
    int32_t request;
    /// STARTED: when the process started (CLOCK_REALTIME, nanoseconds).
    int64_t started_ns;
    struct rusage usage;
};

#endif
