// skein-spawner: starts and reaps the engine's local processes from a process a few hundred
// kilobytes big, so the rusage wait4 gives for a job (maxrss above all) is the job's own.
// The protocol and the reason are in CSpawn/include/skein_spawner_protocol.h. Written in C
// on purpose: its own peak RSS is the floor of every job's maxrss.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skein_spawner_protocol.h"

extern char **environ;

enum { CHANNEL = 0 };

/// Jobs started in a process group of their own and not reaped yet: when the engine is gone
/// (killed, crashed), nobody would record how they end, so they are killed rather than left
/// running unwatched beside the attempt a resumed run starts again. Detached processes
/// ("session" mode: an engine started by the CLI) are not listed.
static pid_t *groups;
static size_t group_count, group_capacity;

static void remember_group(pid_t pid) {
    if (group_count == group_capacity) {
        size_t capacity = group_capacity ? group_capacity * 2 : 64;
        pid_t *grown = realloc(groups, capacity * sizeof(pid_t));
        if (!grown) return;
        groups = grown;
        group_capacity = capacity;
    }
    groups[group_count++] = pid;
}

static void forget_group(pid_t pid) {
    for (size_t i = 0; i < group_count; i++) {
        if (groups[i] == pid) {
            groups[i] = groups[--group_count];
            return;
        }
    }
}

static char *outgoing;
static size_t outgoing_size, outgoing_capacity;

/// The engine is gone, or closed its end: end what it can no longer watch, hand over the
/// events still waiting (a closing engine reads until the spawner exits), then go.
static void engine_gone(void) {
    for (size_t i = 0; i < group_count; i++) kill(-groups[i], SIGKILL);
    size_t sent = 0;
    while (sent < outgoing_size) {
        ssize_t n = send(CHANNEL, outgoing + sent, outgoing_size - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        sent += (size_t)n;
    }
    exit(0);
}

/// Events not sent yet. The channel is non-blocking for writes: the spawner never waits on
/// the engine, so it always reads the next request (an engine that handles events and sends
/// requests on one thread cannot deadlock with it), and events wait here instead.
/// STARTED events are held back up to START_PATIENCE_MS (or until another event goes out):
/// a short job's start and end then reach the engine together, one wake-up instead of two.
/// The engine needs a pid only to stop a job (it queues stops until the pid comes) and for
/// its journal (a resumed run finds a job without one by its environment marker).
enum { START_PATIENCE_MS = 20 };
/// Whether everything in `outgoing` is STARTED events being held, since `oldest_held`.
static int holding;
static struct timespec oldest_held;

static void append_event(const struct skein_spawner_event *event);

static void queue_event(int kind, pid_t pid, int status, const struct rusage *usage) {
    struct skein_spawner_event event;
    memset(&event, 0, sizeof event);
    event.kind = kind;
    event.pid = pid;
    event.status = status;
    if (usage) event.usage = *usage;
    append_event(&event);
}

/// The answer to request number `request`: STARTED (pid > 0, at `started`) or FAILED (-errno).
static void queue_answer(uint32_t request, pid_t pid, const struct timespec *started) {
    struct skein_spawner_event event;
    memset(&event, 0, sizeof event);
    event.kind = pid > 0 ? SKEIN_SPAWNER_STARTED : SKEIN_SPAWNER_FAILED;
    event.pid = pid > 0 ? pid : 0;
    event.status = pid > 0 ? 0 : -pid;
    event.request = (int32_t)request;
    if (pid > 0) event.started_ns = (int64_t)started->tv_sec * 1000000000 + started->tv_nsec;
    append_event(&event);
}

static void append_event(const struct skein_spawner_event *given) {
    struct skein_spawner_event event = *given;
    if (outgoing_size + sizeof event > outgoing_capacity) {
        size_t capacity = outgoing_capacity ? outgoing_capacity * 2 : 64 * sizeof event;
        while (capacity < outgoing_size + sizeof event) capacity *= 2;
        char *grown = realloc(outgoing, capacity);
        if (!grown) engine_gone();
        outgoing = grown;
        outgoing_capacity = capacity;
    }
    memcpy(outgoing + outgoing_size, &event, sizeof event);
    outgoing_size += sizeof event;
}

/// Sends what the channel takes now; ends the spawner when the engine is gone.
static void flush_events(void) {
    size_t sent = 0;
    while (sent < outgoing_size) {
        ssize_t n = send(CHANNEL, outgoing + sent, outgoing_size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) {
            outgoing_size = 0;  // nobody reads them any more
            engine_gone();
        }
        sent += (size_t)n;
    }
    memmove(outgoing, outgoing + sent, outgoing_size - sent);
    outgoing_size -= sent;
    holding = 0;
}

static long elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/// Requests read and not handled yet: one `read` takes whatever the engine has sent (a
/// request per job, often several at once), where reading the size and then the rest cost two.
static char *requests;
static size_t requests_size, requests_capacity;
/// The number the next request gets (its events name it).
static uint32_t next_request;

/// Reads what the channel holds onto the end of `requests`; false at end of file (the engine
/// closed its end or died).
static int read_requests(void) {
    if (requests_capacity - requests_size < 65536) {
        size_t capacity = requests_capacity ? requests_capacity * 2 : 262144;
        while (capacity - requests_size < 65536) capacity *= 2;
        char *grown = realloc(requests, capacity);
        if (!grown) return 0;
        requests = grown;
        requests_capacity = capacity;
    }
    for (;;) {
        ssize_t n = read(CHANNEL, requests + requests_size, requests_capacity - requests_size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        requests_size += (size_t)n;
        return 1;
    }
}

/// Splits the request's NUL-terminated strings into `fields`; returns their count.
static size_t split_fields(char *payload, size_t size, char ***fields) {
    size_t count = 0;
    for (size_t i = 0; i < size; i++) if (payload[i] == '\0') count++;
    *fields = calloc(count + 1, sizeof(char *));
    if (!*fields) return 0;
    size_t index = 0;
    for (char *at = payload; at < payload + size && index < count; at += strlen(at) + 1) (*fields)[index++] = at;
    return count;
}

/// Opens `path` onto descriptor `target` in a child about to exec; false (errno set) on failure.
/// Called for 0, 1, 2 in turn: with the ones below `target` taken, open(2) returns `target`
/// itself once it is closed (one call instead of open, dup2 and close).
static int open_onto(int target, const char *path, int flags, mode_t mode) {
    close(target);
    int fd = open(path, flags, mode);
    if (fd < 0) return 0;
    if (fd == target) return 1;
    int ok = dup2(fd, target) == target;
    close(fd);
    return ok;
}

/// Signals the spawner ignores and a job must start with at their defaults (ignored
/// dispositions survive exec; caught ones do not, and the spawner catches none).
static const int ignored_here[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

/// Files a request's stdout and stderr were opened on while it waited for a slot (-1: open
/// them in the child, as for a request that did not wait).
struct opened_output {
    int stdout_fd;
    int stderr_fd;
};
static const struct opened_output nothing_opened = {-1, -1};

/// `fd` onto descriptor `target` when it was opened ahead, else `path` opened there.
static int output_onto(int target, int fd, const char *path) {
    if (fd >= 0) return dup2(fd, target) == target;
    return open_onto(target, path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
}

/// Starts one process with vfork and the few system calls a job needs: glibc's posix_spawn
/// resets all 64 signal dispositions in the child (about 125 system calls per job), where
/// this spawner knows it has changed only five and caught none. The child runs on the
/// spawner's memory until exec, so it only makes system calls and writes `failure`.
static pid_t start_forked(char **fields, char **argv, char **envp, int session, struct opened_output opened) {
    enum { MODE, EXECUTABLE, WORKDIR, STDIN, STDOUT, STDERR };
    volatile int failure = 0;
    const char *in = fields[STDIN][0] ? fields[STDIN] : "/dev/null";
    int shared = fields[STDERR][0] == '\0' || strcmp(fields[STDERR], fields[STDOUT]) == 0;
    pid_t pid = vfork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        // stdout and stderr never through a symbolic link: a job must not write where a link
        // planted in its folder points (another user's file, the run's plan). stdin may be an
        // input link.
        int ok = (session ? setsid() >= 0 : setpgid(0, 0) == 0)
            && open_onto(0, in, O_RDONLY, 0)
            && output_onto(1, opened.stdout_fd, fields[STDOUT])
            && (shared ? dup2(1, 2) == 2 : output_onto(2, opened.stderr_fd, fields[STDERR]))
            && chdir(fields[WORKDIR]) == 0;
        if (ok) {
            if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
                for (int fd = 3; fd < 4096; fd++) close(fd);  // kernels before 5.9
            }
            for (size_t i = 0; i < sizeof ignored_here / sizeof ignored_here[0]; i++) signal(ignored_here[i], SIG_DFL);
            sigprocmask(SIG_SETMASK, &none, NULL);
            execve(fields[EXECUTABLE], argv, envp);
        }
        failure = errno ? errno : ENOEXEC;
        _exit(127);
    }
    if (pid < 0) return -errno;
    if (failure) {
        // It exited before exec: reaped here, so no EXITED event follows the FAILED one.
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        return -failure;
    }
    return pid;
}

/// When the last process started (just before its fork), for its STARTED event.
static struct timespec last_start;

/// Starts one process as the request says; returns its pid, or -errno.
static pid_t start(char **fields, size_t count, struct opened_output opened) {
    enum { MODE, EXECUTABLE, WORKDIR, STDIN, STDOUT, STDERR, ARGC, ARGV };
    if (count < ARGV) return -EINVAL;
    long argc = strtol(fields[ARGC], NULL, 10);
    if (argc < 1 || (size_t)(ARGV + argc) > count) return -EINVAL;
    char **argv = calloc((size_t)argc + 1, sizeof(char *));
    char **envp = calloc(count - ARGV - (size_t)argc + 1, sizeof(char *));
    if (!argv || !envp) { free(argv); free(envp); return -ENOMEM; }
    memcpy(argv, fields + ARGV, (size_t)argc * sizeof(char *));
    memcpy(envp, fields + ARGV + argc, (count - ARGV - (size_t)argc) * sizeof(char *));
    int session = strcmp(fields[MODE], "session") == 0;
    clock_gettime(CLOCK_REALTIME, &last_start);
    if (strchr(fields[EXECUTABLE], '/')) {
        pid_t pid = start_forked(fields, argv, envp, session, opened);
        free(argv);
        free(envp);
        return pid;
    }

    // A bare name is searched in PATH as posix_spawnp does.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, fields[STDIN][0] ? fields[STDIN] : "/dev/null", O_RDONLY, 0);
    if (opened.stdout_fd >= 0) posix_spawn_file_actions_adddup2(&actions, opened.stdout_fd, 1);
    else posix_spawn_file_actions_addopen(&actions, 1, fields[STDOUT], O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (fields[STDERR][0] == '\0' || strcmp(fields[STDERR], fields[STDOUT]) == 0) {
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
    } else {
        if (opened.stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, opened.stderr_fd, 2);
        else posix_spawn_file_actions_addopen(&actions, 2, fields[STDERR], O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    }
    posix_spawn_file_actions_addchdir_np(&actions, fields[WORKDIR]);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    flags |= session ? POSIX_SPAWN_SETSID : POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setflags(&attributes, flags);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    sigemptyset(&defaults);
    for (size_t i = 0; i < sizeof ignored_here / sizeof ignored_here[0]; i++) sigaddset(&defaults, ignored_here[i]);
    sigaddset(&defaults, SIGCHLD);
    posix_spawnattr_setsigdefault(&attributes, &defaults);

    pid_t pid = 0;
    int result = posix_spawnp(&pid, fields[EXECUTABLE], &actions, &attributes, argv, envp);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    free(argv);
    free(envp);
    return result == 0 ? pid : -result;
}

/// Processes started and not reaped yet: once none is left, `reap_all` does not ask again.
static size_t children_left;

/// A request waiting for a slot of its pool: its number and a copy of its strings.
struct pending {
    struct pending *next;
    uint32_t request;
    /// Its stdout and stderr, opened while it waits: off the path from one job's end to the
    /// next one's start (on ext4 a new file costs tens of microseconds).
    struct opened_output opened;
    size_t size;
    char payload[];
};

/// The slots of one engine's jobs ("slots:POOL:LIMIT" requests): at most `limit` of its
/// processes run at once; the others wait here, in request order, for one to end.
struct pool {
    long id;
    long limit;
    long running;
    struct pending *first, *last;
};
static struct pool *pools;
static size_t pool_count;

/// Which pool each running pool process holds a slot of.
struct slot_holder {
    pid_t pid;
    size_t pool;
};
static struct slot_holder *holders;
static size_t holder_count, holder_capacity;

/// The pool a "slots:POOL:LIMIT" mode names (made on first use; the latest LIMIT holds),
/// or -1 for another mode.
static long pool_of_mode(const char *mode) {
    if (strncmp(mode, "slots:", 6) != 0) return -1;
    char *end = NULL;
    long id = strtol(mode + 6, &end, 10);
    long limit = (end && *end == ':') ? strtol(end + 1, NULL, 10) : 1;
    if (limit < 1) limit = 1;
    for (size_t i = 0; i < pool_count; i++) {
        if (pools[i].id == id) {
            pools[i].limit = limit;
            return (long)i;
        }
    }
    struct pool *grown = realloc(pools, (pool_count + 1) * sizeof *pools);
    if (!grown) return -1;  // no memory for a pool: the request starts at once
    pools = grown;
    pools[pool_count] = (struct pool){.id = id, .limit = limit};
    return (long)pool_count++;
}

static void hold_slot(pid_t pid, size_t pool) {
    if (holder_count == holder_capacity) {
        size_t capacity = holder_capacity ? holder_capacity * 2 : 64;
        struct slot_holder *grown = realloc(holders, capacity * sizeof *holders);
        if (!grown) return;  // not counted: the pool may run one process more
        holders = grown;
        holder_capacity = capacity;
    }
    holders[holder_count++] = (struct slot_holder){.pid = pid, .pool = pool};
    pools[pool].running++;
}

static void free_slot(pid_t pid) {
    for (size_t i = 0; i < holder_count; i++) {
        if (holders[i].pid == pid) {
            pools[holders[i].pool].running--;
            holders[i] = holders[--holder_count];
            return;
        }
    }
}

/// Starts request `request` (its strings in `payload`) and queues its answer; `pool` is the
/// pool it takes a slot of, or -1. Returns the pid, or -errno.
static pid_t start_request(uint32_t request, char *payload, size_t size, long pool, struct opened_output opened) {
    char **fields = NULL;
    size_t count = split_fields(payload, size, &fields);
    pid_t pid = start(fields, count, opened);
    if (opened.stdout_fd >= 0) close(opened.stdout_fd);
    if (opened.stderr_fd >= 0) close(opened.stderr_fd);
    if (pid > 0 && count > 0 && (strcmp(fields[0], "group") == 0 || pool >= 0)) remember_group(pid);
    if (pid > 0) {
        children_left++;
        if (pool >= 0) hold_slot(pid, (size_t)pool);
    }
    queue_answer(request, pid, &last_start);
    free(fields);
    return pid;
}

/// Starts what waits in each pool while it has free slots.
static void start_waiting(void) {
    for (size_t i = 0; i < pool_count; i++) {
        while (pools[i].first && pools[i].running < pools[i].limit) {
            struct pending *next = pools[i].first;
            pools[i].first = next->next;
            if (!pools[i].first) pools[i].last = NULL;
            start_request(next->request, next->payload, next->size, (long)i, next->opened);
            free(next);
        }
    }
}

/// Opens a waiting request's stdout and stderr as its child would (a file that cannot be
/// opened now is left to the child, which reports the failure as before).
static struct opened_output open_outputs(const char *payload, size_t size) {
    enum { MODE, EXECUTABLE, WORKDIR, STDIN, STDOUT, STDERR, FIELDS };
    const char *field[FIELDS];
    const char *at = payload, *end = payload + size;
    for (int i = 0; i < FIELDS; i++) {
        const char *nul = memchr(at, '\0', (size_t)(end - at));
        if (!nul) return nothing_opened;
        field[i] = at;
        at = nul + 1;
    }
    struct opened_output opened = nothing_opened;
    const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
    opened.stdout_fd = open(field[STDOUT], flags, 0644);
    if (opened.stdout_fd >= 0 && field[STDERR][0] != '\0' && strcmp(field[STDERR], field[STDOUT]) != 0) {
        opened.stderr_fd = open(field[STDERR], flags, 0644);
    }
    return opened;
}

/// Queues request `request` in `pool` until a slot frees; false when there is no memory.
static int wait_for_slot(long pool, uint32_t request, const char *payload, size_t size) {
    struct pending *entry = malloc(sizeof *entry + size);
    if (!entry) return 0;
    entry->next = NULL;
    entry->request = request;
    entry->size = size;
    memcpy(entry->payload, payload, size);
    entry->opened = open_outputs(entry->payload, size);
    if (pools[pool].last) pools[pool].last->next = entry; else pools[pool].first = entry;
    pools[pool].last = entry;
    return 1;
}

/// Drops request `request` if it still waits for a slot (a job killed, or the run halted or
/// stopped, before it started): it never starts, its outputs are closed, and its answer is
/// FAILED with ECANCELED. A request that has started is left alone (the engine signals it).
static void cancel_waiting(uint32_t request) {
    for (size_t i = 0; i < pool_count; i++) {
        struct pending *before = NULL;
        for (struct pending *entry = pools[i].first; entry; before = entry, entry = entry->next) {
            if (entry->request != request) continue;
            if (before) before->next = entry->next; else pools[i].first = entry->next;
            if (pools[i].last == entry) pools[i].last = before;
            if (entry->opened.stdout_fd >= 0) close(entry->opened.stdout_fd);
            if (entry->opened.stderr_fd >= 0) close(entry->opened.stderr_fd);
            free(entry);
            queue_answer(request, -ECANCELED, NULL);
            return;
        }
    }
}

/// The request number a "cancel:N" mode names, or -1 for another mode.
static long cancelled_request(const char *mode) {
    if (strncmp(mode, "cancel:", 7) != 0) return -1;
    char *end = NULL;
    long request = strtol(mode + 7, &end, 10);
    return (end && *end == '\0' && request >= 0) ? request : -1;
}

static void reap_all(void) {
    while (children_left > 0) {
        int status = 0;
        struct rusage usage;
        pid_t pid = wait4(-1, &status, WNOHANG, &usage);
        if (pid <= 0) return;
        children_left--;
        forget_group(pid);
        free_slot(pid);
        queue_event(SKEIN_SPAWNER_EXITED, pid, status, &usage);
    }
}

int main(void) {
    // Lives exactly as long as the engine's end of the channel: a Ctrl-C or SIGTERM meant for
    // the engine's process group must not take the spawner (and the jobs' exit events) away.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    sigprocmask(SIG_BLOCK, &child, NULL);
    int children = signalfd(-1, &child, SFD_CLOEXEC | SFD_NONBLOCK);
    if (children < 0) { perror("skein-spawner: signalfd"); return 1; }

    for (;;) {
        // Held starts go out when their patience is up, or with any other event.
        int timeout = -1;
        if (holding) {
            long waited = elapsed_ms(&oldest_held);
            if (waited >= START_PATIENCE_MS) holding = 0;
            else timeout = (int)(START_PATIENCE_MS - waited);
        }
        if (outgoing_size > 0 && !holding) flush_events();
        short out = outgoing_size > 0 && !holding ? POLLOUT : 0;
        struct pollfd fds[2] = {{.fd = CHANNEL, .events = POLLIN | out}, {.fd = children, .events = POLLIN}};
        if (poll(fds, 2, timeout) < 0) {
            if (errno == EINTR) continue;
            perror("skein-spawner: poll");
            return 1;
        }
        if (fds[1].revents) {
            // One read: a signal left unread only wakes the loop once more (reap_all takes
            // every child that ended either way).
            struct signalfd_siginfo info[16];
            ssize_t ignored = read(children, info, sizeof info);
            (void)ignored;
            size_t before = outgoing_size;
            reap_all();
            // A freed slot goes to the next waiting request at once: its STARTED event goes
            // out with the EXITED one that freed it.
            start_waiting();
            if (outgoing_size != before) holding = 0;
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!read_requests()) engine_gone();
            size_t at = 0;
            uint32_t size = 0;
            while (requests_size - at >= sizeof size) {
                memcpy(&size, requests + at, sizeof size);
                if (requests_size - at - sizeof size < size) break;  // the rest comes with the next read
                char *payload = requests + at + sizeof size;
                at += sizeof size + size;
                // A cancel is not numbered and has no answer of its own.
                long cancelled = memchr(payload, '\0', size) ? cancelled_request(payload) : -1;
                if (cancelled >= 0) {
                    size_t before = outgoing_size;
                    cancel_waiting((uint32_t)cancelled);
                    if (outgoing_size != before) holding = 0;
                    continue;
                }
                uint32_t request = next_request++;
                // The mode is the first string: a pool's request waits while the pool is full.
                long pool = memchr(payload, '\0', size) ? pool_of_mode(payload) : -1;
                if (pool >= 0 && (pools[pool].first || pools[pool].running >= pools[pool].limit)
                    && wait_for_slot(pool, request, payload, size)) {
                    continue;
                }
                size_t before = outgoing_size;
                if (start_request(request, payload, size, pool, nothing_opened) > 0) {
                    if (before == 0) {
                        holding = 1;
                        clock_gettime(CLOCK_MONOTONIC, &oldest_held);
                    }
                } else {
                    holding = 0;
                }
            }
            memmove(requests, requests + at, requests_size - at);
            requests_size -= at;
        }
    }
}
