// skein-rusage OUT -- PROGRAM ARGS...
//
// Runs PROGRAM inside a job's container and writes, when it ends, its resource usage to OUT
// ("utime stime maxrss-kB", seconds with microseconds): a container runtime's client is not
// the parent of the job's processes, so the rusage Skein sees of it is the client's own. It
// is linked statically so it runs in any image; it exits as PROGRAM did (its code, or the
// same signal), so the exit status Skein records stays the job's.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child = 0;

// A stop (SIGTERM from the runtime's init, SIGINT, SIGHUP) is the job's: pass it on.
static void forward(int sig) {
    if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: skein-rusage OUT -- PROGRAM [ARGS...]\n");
        return 127;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = forward;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    child = fork();
    if (child < 0) {
        perror("skein-rusage: fork");
        return 127;
    }
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "skein-rusage: %s: %s\n", argv[3], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("skein-rusage: waitpid");
            return 127;
        }
    }
    struct rusage usage;
    getrusage(RUSAGE_CHILDREN, &usage);
    FILE *out = fopen(argv[1], "w");
    if (out) {
        fprintf(out, "%ld.%06ld %ld.%06ld %ld\n", (long)usage.ru_utime.tv_sec, (long)usage.ru_utime.tv_usec,
                (long)usage.ru_stime.tv_sec, (long)usage.ru_stime.tv_usec, usage.ru_maxrss);
        fclose(out);
    }
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        kill(getpid(), WTERMSIG(status));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
