#!/usr/bin/env bash
# Engine throughput: Skein against `make -j2` on the same no-op DAGs, in one run.
#
#   Benchmarks/engine-throughput.sh                # build release into .build-bench; ~2-3 minutes
#   SKEIN_BIN=/path/to/skein Benchmarks/engine-throughput.sh
#   BENCH_BIG=1 Benchmarks/engine-throughput.sh    # also 100,000-job fan-out, skein only (+~2.5 min)
#   RUNS=1 KEEP=1 MAXJOBS=4 Benchmarks/engine-throughput.sh   # rounds; keep the temp folder; -j
#   SHAPES="fanout 1000;chain 200" DATA_CONFIGURATION=nonsharedfs Benchmarks/engine-throughput.sh
#
# For each shape (fanout 10,000 jobs, montage 10,000, chain 1,000) it generates the DAG
# (Benchmarks/generate_dag.py: workflow.yml + catalogs AND an equivalent Makefile, every job
# /bin/true), checks `skein validate` finds it clean, then times with `/usr/bin/time -f '%e %M'`,
# alternating for RUNS (2) rounds and keeping the best time of each,
#   make    `make -j2 -s` (stamps cleaned first): one target per job, /bin/true + touch stamp
#   skein   `skein run DIR/workflow.yml --batch --maxjobs 2 --dir TMP/runs`: plan + run with
#           the full provenance database and a kickstart record per job (output to /dev/null)
#   direct  the same with SKEIN_SPAWNER=none: jobs spawned by the engine itself, as before
#           skein-spawner existed (the previous version's way; its maxrss figures are wrong)
# and prints wall seconds, jobs/s and peak RSS (MiB) of each and the ratios of throughputs.
# jobs/s uses the workflow's job count for both (skein also runs one create_dir job).
#
# Targets (issue): skein/make throughput >= 0.8 on the fan-out DAG; engine peak memory
# <= 200 MiB for a 100,000-job run (checked only with BENCH_BIG=1).
# Exit status: 1 if a setup step, a validation or a run fails; a missed target is reported as
# FAIL but does not change the exit status. The table goes to stdout, progress to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAXJOBS="${MAXJOBS:-2}"
RUNS="${RUNS:-2}"
# SHAPES="fanout 1000;chain 200" for smaller runs; DATA_CONFIGURATION=condorio (or nonsharedfs)
# plans with that pegasus.data.configuration (a sandbox per job); the default is sharedfs, as
# make runs its jobs in one folder (Skein's own default is condorio, as Pegasus's).
IFS=';' read -r -a SHAPES <<<"${SHAPES:-fanout 10000;montage 10000;chain 1000}"
BIG_JOBS=100000
TARGET_RATIO=0.8
TARGET_MIB=200

say() { printf '%s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq time >&2
fi
command -v make >/dev/null || { say "make not found"; exit 1; }

source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }
PYTHON="${PYTHON:-python3}"

# Nothing is deleted before the end: on ext4 without a journal, files created soon (5 s, or up
# to 5 minutes while the inode table is dirty) after many deletions pay for the kernel skipping
# the "recently deleted" inodes, which would slow whichever run comes next. Leave a few minutes
# between two runs of this script for the same reason.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-throughput.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then say "keeping $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi
# The runs register in a registry of their own, not the user's (~/.local/state/skein).
export SKEIN_STATE_DIR="$WORK/state"

# timed NAME CMD... : runs CMD under /usr/bin/time with its output discarded; sets T_S (wall
# seconds) and T_MIB (peak RSS of the largest process: make itself, the skein engine).
timed() {
    local name="$1" kb; shift
    if ! /usr/bin/time -f '%e %M' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/err.txt"; then
        say "$name FAILED:"; tail -n 20 "$WORK/err.txt" >&2
        return 1
    fi
    read -r T_S kb <"$WORK/time.out"
    T_MIB=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
}

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
most() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }

# generate SHAPE N DIR : write the DAG and require `skein validate` to call it clean.
generate() {
    local shape="$1" n="$2" dir="$3"
    "$PYTHON" "$ROOT/Benchmarks/generate_dag.py" --shape "$shape" --jobs "$n" --out "$dir"
    if ! "$SKEIN" validate "$dir/workflow.yml" >"$WORK/check.txt" 2>&1 \
        || ! grep -q 'valid (0 errors, 0 warnings)' "$WORK/check.txt"; then
        say "skein validate does not find the generated $shape DAG clean:"; cat "$WORK/check.txt" >&2
        return 1
    fi
}

# skein_run SHAPE N DIR : times `skein run`, then checks one kickstart record per job
# (N + create_dir) and the provenance database are there. Sets T_S, T_MIB.
skein_run() {
    local shape="$1" n="$2" dir="$3" run records
    timed "skein run" env "${SKEIN_ENV[@]}" "$SKEIN" run "$dir/workflow.yml" --batch --maxjobs "$MAXJOBS" --dir "$WORK/runs" || return 1
    run="$(ls -d "$WORK/runs/$shape-$n"/run* | tail -n 1)"
    records=$(find "$run/jobs" -name '*.out.*' | wc -l)
    [[ "$records" -eq $((n + 1)) ]] || say "WARNING: $records kickstart records in $run, expected $((n + 1))"
    compgen -G "$run/*.stampede.db" >/dev/null || say "WARNING: no stampede database in $run"
}

say "skein: $SKEIN ($("$SKEIN" --version 2>/dev/null || echo '?'))"
say "make:  $(make --version | head -n 1)"

SKEIN_ENV=()
ROWS=()
STATUS=0
FANOUT_RATIO=""
for entry in "${SHAPES[@]}"; do
    read -r shape n <<<"$entry"
    dir="$WORK/$shape"
    say ""
    say "== $shape, $n jobs"
    generate "$shape" "$n" "$dir" || { STATUS=1; continue; }
    echo "pegasus.data.configuration = ${DATA_CONFIGURATION:-sharedfs}" >"$dir/pegasus.properties"

    # RUNS rounds, make then skein in each, so load from other work hits both alike; the best
    # (lowest) wall time of each counts, and the highest peak memory. Round r of make uses its
    # own stamp folder (S=stamps.r) instead of deleting the previous round's stamps.
    mk_s="" mk_mib=0 sk_s="" sk_mib=0 dr_s="" ok=1
    for ((r = 1; r <= RUNS; r++)); do
        make -C "$dir" -s clean S="stamps.$r"
        timed "make -j$MAXJOBS" make -C "$dir" -j"$MAXJOBS" -s S="stamps.$r" || { ok=0; break; }
        stamps=$(find "$dir/stamps.$r" -type f | wc -l)
        [[ "$stamps" -eq "$n" ]] || { say "make left $stamps stamps, expected $n"; ok=0; break; }
        say "round $r: make  -j$MAXJOBS: ${T_S} s, $(rate "$n" "$T_S") jobs/s, ${T_MIB} MiB"
        mk_s=$(best "$mk_s" "$T_S"); mk_mib=$(most "$mk_mib" "$T_MIB")

        skein_run "$shape" "$n" "$dir" || { ok=0; break; }
        say "round $r: skein --maxjobs $MAXJOBS: ${T_S} s, $(rate "$n" "$T_S") jobs/s, ${T_MIB} MiB"
        sk_s=$(best "$sk_s" "$T_S"); sk_mib=$(most "$sk_mib" "$T_MIB")

        SKEIN_ENV=(SKEIN_SPAWNER=none)
        skein_run "$shape" "$n" "$dir" || { ok=0; break; }
        SKEIN_ENV=()
        say "round $r: skein direct spawn: ${T_S} s, $(rate "$n" "$T_S") jobs/s"
        dr_s=$(best "$dr_s" "$T_S")
    done
    [[ "$ok" == 1 ]] || { STATUS=1; continue; }

    ratio=$(awk -v m="$mk_s" -v s="$sk_s" 'BEGIN { printf "%.2f", (s > 0) ? m / s : 0 }')
    [[ "$shape" == fanout ]] && FANOUT_RATIO=$ratio
    vs_direct=$(awk -v d="$dr_s" -v s="$sk_s" 'BEGIN { printf "%.2f", (s > 0) ? d / s : 0 }')
    ROWS+=("$(printf '%-8s %7d  %8.2f %8s %8.1f  %8.2f %8s %8.1f  %8s  %8.2f %8s' \
        "$shape" "$n" "$mk_s" "$(rate "$n" "$mk_s")" "$mk_mib" "$sk_s" "$(rate "$n" "$sk_s")" "$sk_mib" "$ratio" "$dr_s" "$vs_direct")")
done

BIG_LINE=""
if [[ "${BENCH_BIG:-0}" == 1 ]]; then
    dir="$WORK/big"
    say ""
    say "== fanout, $BIG_JOBS jobs, skein only (BENCH_BIG=1)"
    # The target is the engine's: plan first (timed on its own), then time the engine alone
    # (`skein run WORKFLOW` would also count the planner, whose peak survives the exec).
    if generate fanout "$BIG_JOBS" "$dir" \
        && timed "skein plan" "$SKEIN" plan "$dir/workflow.yml" --dir "$WORK/big-runs"; then
        plan_s=$T_S plan_mib=$T_MIB
        big_run="$(ls -d "$WORK/big-runs/fanout-$BIG_JOBS"/run* | tail -n 1)"
        if timed "skein run RUNDIR" "$SKEIN" run "$big_run" --batch --maxjobs "$MAXJOBS"; then
            verdict=$(awk -v m="$T_MIB" -v t="$TARGET_MIB" 'BEGIN { print (m <= t) ? "PASS" : "FAIL" }')
            BIG_LINE=$(printf '%s: fanout %d jobs: engine (skein run RUNDIR) %.2f s, %s jobs/s, peak %.1f MiB (target <= %d MiB); planning (skein plan) %.2f s, peak %.1f MiB' \
                "$verdict" "$BIG_JOBS" "$T_S" "$(rate "$BIG_JOBS" "$T_S")" "$T_MIB" "$TARGET_MIB" "$plan_s" "$plan_mib")
        else
            STATUS=1
            BIG_LINE="memory target not checked: the $BIG_JOBS-job run failed"
        fi
    else
        STATUS=1
        BIG_LINE="memory target not checked: generating or planning the $BIG_JOBS-job DAG failed"
    fi
fi

echo
echo "Engine throughput: skein $("$SKEIN" --version 2>/dev/null || echo '?') --batch --maxjobs $MAXJOBS vs $(make --version | head -n 1) -j$MAXJOBS"
echo "host: $(nproc) cores, $(uname -sr); best of $RUNS alternating runs (peak MiB: highest); every job is /bin/true"
printf '%-8s %7s  %8s %8s %8s  %8s %8s %8s  %8s  %8s %8s\n' \
    shape jobs "make s" "make j/s" "make MiB" "skein s" "skein j/s" "skein MiB" "ratio" "direct s" "vs direct"
for row in "${ROWS[@]}"; do echo "$row"; done
echo "(ratio = skein jobs/s / make jobs/s; jobs/s counts the workflow's jobs for both;"
echo " direct = skein with SKEIN_SPAWNER=none, jobs spawned by the engine as before skein-spawner;"
echo " vs direct = skein jobs/s / direct jobs/s;"
echo " skein: full stampede database + a kickstart record per job; make: /bin/true + touch stamp)"
if [[ -n "$FANOUT_RATIO" ]]; then
    verdict=$(awk -v r="$FANOUT_RATIO" -v t="$TARGET_RATIO" 'BEGIN { print (r >= t) ? "PASS" : "FAIL" }')
    echo "$verdict: fanout skein/make throughput $FANOUT_RATIO (target >= $TARGET_RATIO)"
else
    echo "throughput target not checked: the fan-out run failed"
fi
if [[ -n "$BIG_LINE" ]]; then
    echo "$BIG_LINE"
else
    echo "memory target (<= $TARGET_MIB MiB at $BIG_JOBS jobs) not checked: set BENCH_BIG=1"
fi
exit "$STATUS"
