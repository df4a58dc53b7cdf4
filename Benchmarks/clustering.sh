#!/usr/bin/env bash
# Clustering: a level of no-op tasks run clustered (`--cluster horizontal`, clusters.size) and
# unclustered, end to end (`skein run WORKFLOW --batch`: plan + run + provenance), in one run.
#
#   Benchmarks/clustering.sh                 # 100,000 tasks, clusters of 100; builds release into .build-bench
#   TASKS=10000 Benchmarks/clustering.sh     # a smaller level
#   SKEIN_BIN=/path/to/skein CLUSTER_SIZE=100 MAXJOBS=2 KEEP=1 Benchmarks/clustering.sh
#
# The workflow (written here) has TASKS independent jobs of transformation `noop` (/bin/true)
# whose catalog entry carries the pegasus profile `clusters.size: CLUSTER_SIZE`; without
# --cluster the profile does nothing, so both runs plan the same file. Each run is timed with
# `/usr/bin/time`, then checked: every task has its invocation row in the stampede database
# (TASKS rows both times) and the clustered run made TASKS / CLUSTER_SIZE clustered jobs.
#
# The floor: the tasks themselves, without Skein: MAXJOBS C loops (compiled here with cc), as
# many as Skein's slots, that posix_spawn /bin/true and wait for it, TASKS times in all, as
# cheaply as a process can be started and reaped. Nothing that runs each task as a process can beat it, so
# unclustered/floor is the best speed-up clustering could give on this machine; clustered -
# floor is what Skein itself costs in the clustered run.
#
# Target (issue 11): clustered >= 5x faster end to end than unclustered.
# Exit status: 1 if a run or a check fails; a missed target is reported as FAIL but does not
# change the exit status. The result goes to stdout, progress to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TASKS="${TASKS:-100000}"
CLUSTER_SIZE="${CLUSTER_SIZE:-100}"
MAXJOBS="${MAXJOBS:-2}"
TARGET=5

say() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq time >&2
fi
source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }
PYTHON="${PYTHON:-python3}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-clustering.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then say "keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
export SKEIN_STATE_DIR="$WORK/state"

# --- the workflow --------------------------------------------------------------------------
"$PYTHON" - "$WORK/wf" "$TASKS" "$CLUSTER_SIZE" <<'PY'
import os, sys
out, n, size = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "workflow.yml"), "w") as f:
    f.write("pegasus: 5.0.4\nname: level\njobs:\n")
    for i in range(n):
        f.write("- {type: job, name: noop, id: ID%07d, arguments: [], uses: []}\n" % i)
with open(os.path.join(out, "sites.yml"), "w") as f:
    f.write("pegasus: 5.0.4\nsites:\n- name: local\n  directories:\n"
            "  - {type: sharedScratch, path: scratch, fileServers: [{url: 'file://scratch', operation: all}]}\n")
with open(os.path.join(out, "transformations.yml"), "w") as f:
    f.write("pegasus: 5.0.4\ntransformations:\n- name: noop\n  profiles: {pegasus: {clusters.size: '%s'}}\n"
            "  sites: [{name: local, pfn: /bin/true, type: installed}]\n" % size)
with open(os.path.join(out, "replicas.yml"), "w") as f:
    f.write("pegasus: 5.0.4\nreplicas: []\n")
PY

# timed_run NAME DIR ARGS... : times `skein run` of the workflow into DIR; sets T_S (wall),
# T_CPU (user + system of skein and every process it waited for: planner, engine, helpers,
# jobs) and T_MIB. CPU seconds show the work saved even when other load on the host decides
# the wall time.
timed_run() {
    local name="$1" dir="$2"; shift 2
    say "== $name: skein run --batch --maxjobs $MAXJOBS $*"
    timed "$name" "$SKEIN" run "$WORK/wf/workflow.yml" --batch --maxjobs "$MAXJOBS" --dir "$dir" "$@"
}

# timed NAME COMMAND...: runs COMMAND under /usr/bin/time; sets T_S, T_CPU, T_MIB.
timed() {
    local name="$1" kb user sys; shift
    if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.out" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
        say "$name FAILED:"; tail -n 20 "$WORK/$name.out" "$WORK/$name.err" >&2
        exit 1
    fi
    read -r T_S kb user sys <"$WORK/time.out"
    T_MIB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    T_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    say "   $T_S s, $T_CPU s CPU, peak $T_MIB MiB"
}

# count DIR SQL : one number from the run's stampede database.
count() {
    "$PYTHON" -c 'import sqlite3, sys, glob; print(sqlite3.connect(glob.glob(sys.argv[1] + "/level/run*/level-0.stampede.db")[0]).execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
}

# --- the floor: TASKS x posix_spawn(/bin/true) + wait, in C -------------------------------
cat >"$WORK/floor.c" <<'C'
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
/* floor TASKS PROGRAM SLOTS: SLOTS workers, each running its share of TASKS one after the other. */
int main(int argc, char **argv) {
    long n = atol(argv[1]), slots = atol(argv[3]);
    char *args[] = {argv[2], NULL};
    for (long w = 0; w < slots; w++) {
        if (fork() != 0) continue;
        for (long i = w; i < n; i += slots) {
            pid_t pid;
            int status;
            if (posix_spawn(&pid, argv[2], NULL, NULL, args, environ) != 0) { perror("posix_spawn"); _exit(1); }
            if (waitpid(pid, &status, 0) < 0 || status != 0) { fprintf(stderr, "task %ld failed\n", i); _exit(1); }
        }
        _exit(0);
    }
    int failed = 0, status;
    while (wait(&status) > 0) failed |= status != 0;
    return failed;
}
C
CC="${CC:-cc}"
command -v "$CC" >/dev/null || { say "no C compiler ($CC) for the floor; set CC"; exit 1; }
"$CC" -O2 -o "$WORK/floor" "$WORK/floor.c"

say "skein: $SKEIN; $TASKS no-op tasks on one level, clusters of $CLUSTER_SIZE"
say "== floor: $TASKS x posix_spawn(/bin/true) + waitpid in C, $MAXJOBS at a time"
timed floor "$WORK/floor" "$TASKS" /bin/true "$MAXJOBS"
FL_S=$T_S FL_MIB=$T_MIB FL_CPU=$T_CPU
timed_run clustered "$WORK/runs-clustered" --cluster horizontal
CL_S=$T_S CL_MIB=$T_MIB CL_CPU=$T_CPU
timed_run unclustered "$WORK/runs-plain"
PL_S=$T_S PL_MIB=$T_MIB PL_CPU=$T_CPU

STATUS=0
expected_clusters=$(( (TASKS + CLUSTER_SIZE - 1) / CLUSTER_SIZE ))
cl_inv=$(count "$WORK/runs-clustered" "SELECT count(*) FROM invocation WHERE task_submit_seq >= 1")
pl_inv=$(count "$WORK/runs-plain" "SELECT count(*) FROM invocation i JOIN job_instance USING (job_instance_id) JOIN job j USING (job_id) WHERE j.type_desc = 'compute'")
cl_jobs=$(count "$WORK/runs-clustered" "SELECT count(*) FROM job WHERE clustered = 1")
[[ "$cl_inv" -eq "$TASKS" ]] || { say "clustered run: $cl_inv task invocations, expected $TASKS"; STATUS=1; }
[[ "$pl_inv" -eq "$TASKS" ]] || { say "unclustered run: $pl_inv task invocations, expected $TASKS"; STATUS=1; }
[[ "$cl_jobs" -eq "$expected_clusters" ]] || { say "clustered run: $cl_jobs clustered jobs, expected $expected_clusters"; STATUS=1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
row() {  # NAME JOBS SECONDS CPU MIB
    printf '%-12s %8s %9.2f %9.0f %8.2f %9s %9s %9s %9.1f\n' "$1" "$2" "$3" "$(awk -v n="$TASKS" -v s="$3" 'BEGIN { print (s > 0) ? n / s : 0 }')" "$4" \
        "$(ratio "$PL_S" "$3")" "$(ratio "$3" "$FL_S")" "$(ratio "$PL_CPU" "$4")" "$5"
}
ratio=$(ratio "$PL_S" "$CL_S")
best=$(ratio "$PL_S" "$FL_S")
verdict=$(awk -v r="$ratio" -v t="$TARGET" 'BEGIN { print (r >= t) ? "PASS" : "FAIL" }')
echo
echo "Clustering: $TASKS no-op tasks on one level, skein run --batch --maxjobs $MAXJOBS (plan + run + provenance)"
echo "host: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-12s %8s %9s %9s %8s %9s %9s %9s %9s\n' run jobs seconds "tasks/s" "CPU s" "speed-up" "x floor" "CPU gain" "peak MiB"
row unclustered "$TASKS" "$PL_S" "$PL_CPU" "$PL_MIB"
row clustered "$cl_jobs" "$CL_S" "$CL_CPU" "$CL_MIB"
row floor "-" "$FL_S" "$FL_CPU" "$FL_MIB"
echo "(speed-up: unclustered seconds / the row's; x floor: the row's seconds / the floor's; CPU gain: unclustered CPU / the row's."
echo " CPU s: user + system of the command and all it waited for, the tasks included. floor: the $TASKS tasks alone,"
echo " posix_spawn + waitpid of /bin/true in $MAXJOBS C loops, no Skein: no way of running them as processes is faster.)"
echo "Skein's own cost: unclustered $(awk -v a="$PL_S" -v b="$FL_S" 'BEGIN { printf "%.2f", a - b }') s over the floor, clustered $(awk -v a="$CL_S" -v b="$FL_S" 'BEGIN { printf "%.2f", a - b }') s over the floor"
echo "best possible speed-up here (unclustered / floor): ${best}x"
if awk -v b="$best" -v t="$TARGET" 'BEGIN { exit !(b < t) }'; then
    echo "the ${TARGET}x target is out of reach on this machine: the tasks alone take more than 1/${TARGET} of the unclustered time"
fi
echo "$verdict: clustered (by $CLUSTER_SIZE) is ${ratio}x faster than unclustered end to end (target >= ${TARGET}x)"
exit "$STATUS"
