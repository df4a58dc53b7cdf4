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
///   mode ("group": new process group, "session": new session), executable (searched in PATH
///   when it has no slash), working directory, stdin ("" reads /dev/null), stdout, stderr
///   ("" shares stdout's file; stdout and stderr are opened with O_NOFOLLOW; stdin may be an input link), argc in decimal, the argc arguments (argv[0] first), then the
///   environment's NAME=value strings up to the end.
///
/// Events (spawner -> engine): fixed-size `skein_spawner_event` records. Every request gets
/// exactly one STARTED or FAILED event, in request order; every started process later gets
/// one EXITED event. The spawner exits when the engine closes its end.
enum {
    SKEIN_SPAWNER_STARTED = 1,  ///< `pid` started.
    SKEIN_SPAWNER_FAILED = 2,   ///< posix_spawn failed; `status` is its errno.
    SKEIN_SPAWNER_EXITED = 3,   ///< `pid` ended; `status` is the raw wait status, `usage` from wait4.
};

struct skein_spawner_event {
    int32_t kind;
    int32_t pid;
    int32_t status;
    int32_t reserved;
    struct rusage usage;
};

#endif
