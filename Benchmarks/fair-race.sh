#!/usr/bin/env bash
# The fair race: Skein, `make -j2` and Snakemake run exactly the same single command per job on
# the same files, WfCommons-shaped workflows with real small-file I/O, on a tmpfs and on ext4.
#
#   Benchmarks/fair-race.sh                     # release build into .build-bench; ~10 minutes
#   SKEIN_BIN=/path/to/skein Benchmarks/fair-race.sh
#   FS=tmpfs RUNS=5 Benchmarks/fair-race.sh     # one file system (tmpfs|disk), more rounds
#   SHAPES="chain:1000" NO_SNAKEMAKE=1 Benchmarks/fair-race.sh
#   SNAKEMAKE_MAX_JOBS=20000 Benchmarks/fair-race.sh   # Snakemake on the 10,000-job shapes too
#   COUNT=1 SHAPES="chain:1000" Benchmarks/fair-race.sh # also count CPU, context switches and
#                                                       # system calls per job (perf, strace)
#
# Workflows (Benchmarks/generate_io_dag.py): chain 1,000, fanout 10,000, montage 10,000,
# epigenomics ~1,000. Every job is `/bin/sh job.sh ID OUTPUTS -- INPUTS`: it reads its inputs and
# writes its outputs with shell builtins, so a job is one process for every tool.
#   make       `make -j2 -s` in a fresh folder per round holding links to the inputs; one rule per
#              job, its outputs as targets, the command as recipe (make runs it without a shell)
#   skein      `skein plan WORKFLOW --cleanup none --conf pegasus.properties` (sharedfs: no
#              staging, no output site, no cleanup jobs; the DAG comes from the files), then
#              `skein run RUNDIR --batch --maxjobs 2` with full provenance: the stampede database,
#              a kickstart record per attempt, stdout/stderr kept. Each plan makes a fresh scratch
#              folder; the engine links the replicas into it. Timed: plan + run (and run alone)
#   snakemake  Snakemake 9 (PyPI, in .build-snakemake-venv) `--cores 2 --scheduler greedy` in a
#              fresh folder per round; one rule per job, the command as `shell:` (which Snakemake
#              runs through bash). Only on shapes of at most SNAKEMAKE_MAX_JOBS (1500) jobs: it
#              runs 10,000 jobs at well under 100 jobs/s
# Rounds alternate the tools (the order rotates each round); the table has the medians of RUNS
# (3). Nothing is deleted before the script ends (on ext4, files created soon after many
# deletions are several times slower to create), and every round writes into new folders.
# COUNT=1: after the rounds of each shape, one more run of make and of `skein run` (plan not
# counted) under `perf stat -e task-clock,context-switches` and one under `strace -f -c`, for a
# second table of CPU ms, context switches and system calls per job, jobs included on both
# sides: counts that do not depend on the machine's load (needs perf and strace).
# Output: one table (stdout); progress to stderr. Exit 1 if a setup step or a run fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
FS_LIST="${FS:-tmpfs disk}"
SHAPES="${SHAPES:-chain:1000 epigenomics:1000 fanout:10000 montage:10000}"
SNAKEMAKE_MAX_JOBS="${SNAKEMAKE_MAX_JOBS:-1500}"
SNAKEMAKE_VENV="${SNAKEMAKE_VENV:-$ROOT/.build-snakemake-venv}"
MAXJOBS=2
PYTHON="${PYTHON:-python3}"

say() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq time >&2
fi
command -v make >/dev/null || { say "make not found"; exit 1; }
source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }

# Snakemake 9 from PyPI in a venv of its own; when it does not install, its column says why.
SNAKEMAKE="" SNAKEMAKE_WHY=""
if [[ "${NO_SNAKEMAKE:-0}" == 1 ]]; then
    SNAKEMAKE_WHY="not run (NO_SNAKEMAKE=1)"
else
    if [[ ! -x "$SNAKEMAKE_VENV/bin/snakemake" ]]; then
        say "installing Snakemake 9 into $SNAKEMAKE_VENV"
        { "$PYTHON" -m venv "$SNAKEMAKE_VENV" && "$SNAKEMAKE_VENV/bin/pip" install -q 'snakemake>=9,<10'; } >&2 \
            || SNAKEMAKE_WHY="did not install (pip install 'snakemake>=9,<10' failed)"
    fi
    if [[ -z "$SNAKEMAKE_WHY" ]]; then
        SNAKEMAKE="$SNAKEMAKE_VENV/bin/snakemake"
        "$SNAKEMAKE" --version >/dev/null 2>&1 || { SNAKEMAKE=""; SNAKEMAKE_WHY="installed but does not start"; }
    fi
fi

WORKS=()
cleanup() { [[ "${KEEP:-0}" == 1 ]] && { say "keeping ${WORKS[*]}"; return; }; for w in "${WORKS[@]}"; do rm -rf "$w"; done; }
trap cleanup EXIT

# timed NAME CMD...: runs CMD under /usr/bin/time, output discarded; sets T_S (wall seconds)
# and T_CPU (user + system seconds of the tool and every job it ran: both tools run the same
# jobs, so the difference is the tool's own work, and it hardly depends on the machine's load).
timed() {
    local name="$1" user sys; shift
    if ! /usr/bin/time -f '%e %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/err.txt"; then
        say "$name FAILED:"; tail -n 20 "$WORK/err.txt" >&2
        return 1
    fi
    read -r T_S user sys <"$WORK/time.out"
    T_CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? n / s : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# fresh_round DIR NAME: a new folder holding links to the workflow's inputs (for make, snakemake).
fresh_round() {
    local folder="$1/$2"
    mkdir -p "$folder"
    ln -s "$1"/inputs/* "$folder"/
    echo "$folder"
}

run_make() {  # DIR ROUND JOBS OUTPUTS
    local folder
    folder="$(fresh_round "$1" "make.$2")"
    timed "make -j$MAXJOBS" make -C "$folder" -f "$1/Makefile" -j"$MAXJOBS" -s || return 1
    check_outputs "$folder" "$4" make
}

run_snakemake() {  # DIR ROUND JOBS OUTPUTS
    local folder
    folder="$(fresh_round "$1" "snakemake.$2")"
    timed snakemake "$SNAKEMAKE" -s "$1/Snakefile" -d "$folder" --cores "$MAXJOBS" --scheduler greedy --quiet all || return 1
    check_outputs "$folder" "$4" snakemake
}

run_skein() {  # DIR ROUND JOBS OUTPUTS LABEL; sets T_S (plan + run) and ENGINE_S (run)
    local plan_s run records
    timed "skein plan" "$SKEIN" plan "$1/workflow.yml" --dir "$WORK/runs" --cleanup none --conf "$1/pegasus.properties" --maxjobs "$MAXJOBS" || return 1
    plan_s=$T_S plan_cpu=$T_CPU
    run="$(ls -d "$WORK/runs/$5"/run* | tail -n 1)"
    timed "skein run" "$SKEIN" run "$run" --batch || return 1
    ENGINE_S=$T_S
    T_S=$(awk -v a="$plan_s" -v b="$ENGINE_S" 'BEGIN { print a + b }')
    T_CPU=$(awk -v a="$plan_cpu" -v b="$T_CPU" 'BEGIN { print a + b }')
    records=$(find "$run/jobs" -name '*.out.*' | wc -l)
    [[ "$records" -ge "$3" ]] || { say "skein left $records kickstart records in $run, expected $3 (+ create_dir)"; return 1; }
    compgen -G "$run/*.stampede.db" >/dev/null || { say "no stampede database in $run"; return 1; }
    # The jobs ran in the scratch folder this plan made (<sharedScratch>/<label>/<workflow UUID>).
    check_outputs "$(ls -td "$1"/scratch/*/*/ | head -n 1)" "$4" skein
}

check_outputs() {  # FOLDER EXPECTED TOOL: every output written (regular files, links aside)
    local made
    made=$(find "$1" -maxdepth 1 -type f | wc -l)
    [[ "$made" -ge "$2" ]] || { say "$3 left $made files in $1, expected $2 outputs"; return 1; }
}

# counted TOOL DIR ROUND LABEL: one more run of TOOL (make, or skein run after a plan) under
# perf stat, and one under strace -f -c; sets C_CPU (ms), C_CS (context switches), C_SYS (calls).
counted() {
    local tool="$1" dir="$2" round="$3" label="$4" kind cmd=() folder run
    for kind in perf strace; do
        if [[ "$tool" == make ]]; then
            folder="$(fresh_round "$dir" "make.$round.$kind")"
            cmd=(make -C "$folder" -f "$dir/Makefile" -j"$MAXJOBS" -s)
        else
            "$SKEIN" plan "$dir/workflow.yml" --dir "$WORK/runs" --cleanup none --conf "$dir/pegasus.properties" --maxjobs "$MAXJOBS" >/dev/null 2>&1 || return 1
            run="$(ls -d "$WORK/runs/$label"/run* | tail -n 1)"
            cmd=("$SKEIN" run "$run" --batch)
        fi
        if [[ "$kind" == perf ]]; then
            perf stat -x, -e task-clock,context-switches -o "$WORK/count.txt" "${cmd[@]}" >/dev/null 2>&1 || return 1
            C_CPU=$(awk -F, '/task-clock/ { print $1 }' "$WORK/count.txt")
            C_CS=$(awk -F, '/context-switches/ { print $1 }' "$WORK/count.txt")
        else
            strace -f -c -o "$WORK/count.txt" "${cmd[@]}" >/dev/null 2>&1 || return 1
            C_SYS=$(awk '$NF == "total" { print $(NF - 2) }' "$WORK/count.txt")
        fi
    done
}
COUNTS=()

say "skein: $SKEIN ($("$SKEIN" --version 2>/dev/null || echo '?'))"
say "make:  $(make --version | head -n 1)"
say "snakemake: ${SNAKEMAKE:+$("$SNAKEMAKE" --version)}${SNAKEMAKE_WHY}"

ROWS=()
STATUS=0
for fs in $FS_LIST; do
    case "$fs" in
        tmpfs) base="${TMPFS_DIR:-/dev/shm}" ;;
        disk) base="${DISK_TMPDIR:-/var/tmp}" ;;
        *) say "FS must be tmpfs or disk, not $fs"; exit 1 ;;
    esac
    WORK="$(mktemp -d "$base/skein-fair.XXXXXX")"
    WORKS+=("$WORK")
    if [[ "$WORK" == /dev/* ]]; then
        # skein validate refuses site folders under /dev (a system folder): the tmpfs folder
        # is reached through a link in /tmp instead, the same path for every tool.
        link="$(mktemp -u /tmp/skein-fair-tmpfs.XXXXXX)"
        ln -s "$WORK" "$link"
        WORKS+=("$link")
        WORK="$link"
    fi
    export SKEIN_STATE_DIR="$WORK/state"  # runs register here, not in the user's registry
    fstype="$(stat -L -f -c %T "$WORK")"
    for entry in $SHAPES; do
        shape="${entry%%:*}" asked="${entry##*:}" dir="$WORK/$shape"
        say ""
        say "== $fs ($fstype, $WORK): $shape, $asked jobs"
        n="$("$PYTHON" "$ROOT/Benchmarks/generate_io_dag.py" --shape "$shape" --jobs "$asked" --out "$dir")"
        outputs=$(grep -c 'type: output' "$dir/workflow.yml")
        if ! "$SKEIN" validate "$dir/workflow.yml" >"$WORK/check.txt" 2>&1 || ! grep -q 'valid (0 errors, 0 warnings)' "$WORK/check.txt"; then
            say "skein validate does not find the $shape workflow clean:"; cat "$WORK/check.txt" >&2; STATUS=1; continue
        fi
        label="$shape-$n"
        tools=(make skein)
        [[ -n "$SNAKEMAKE" && "$n" -le "$SNAKEMAKE_MAX_JOBS" ]] && tools+=(snakemake)
        mk=() sk=() en=() sm=() mkc=() skc=() ok=1
        for ((r = 1; r <= RUNS; r++)); do
            for ((t = 0; t < ${#tools[@]}; t++)); do
                tool="${tools[$(((t + r - 1) % ${#tools[@]}))]}"
                case "$tool" in
                    make) run_make "$dir" "$r" "$n" "$outputs" || { ok=0; break 2; }; mk+=("$T_S"); mkc+=("$T_CPU") ;;
                    skein) run_skein "$dir" "$r" "$n" "$outputs" "$label" || { ok=0; break 2; }; sk+=("$T_S"); en+=("$ENGINE_S"); skc+=("$T_CPU") ;;
                    snakemake) run_snakemake "$dir" "$r" "$n" "$outputs" || { ok=0; break 2; }; sm+=("$T_S") ;;
                esac
                say "round $r: $tool ${T_S} s ($(rate "$n" "$T_S") jobs/s)${ENGINE_S:+$([[ $tool == skein ]] && echo ", engine alone ${ENGINE_S} s")}"
            done
        done
        [[ "$ok" == 1 ]] || { STATUS=1; continue; }
        if [[ "${COUNT:-0}" == 1 ]]; then
            say "counting: make and skein run under perf stat and strace -f -c"
            if counted make "$dir" count "$label" && m_cpu=$C_CPU m_cs=$C_CS m_sys=$C_SYS && counted skein "$dir" count "$label"; then
                COUNTS+=("$(awk -v fs="$fs" -v shape="$shape" -v n="$n" -v mc="$m_cpu" -v ms="$m_cs" -v my="$m_sys" -v sc="$C_CPU" -v ss="$C_CS" -v sy="$C_SYS" \
                    'BEGIN { printf "%-6s %-12s %6d  %9.3f %9.3f %+9.3f  %7.2f %7.2f  %8.1f %8.1f", fs, shape, n, mc / n, sc / n, (sc - mc) / n, ms / n, ss / n, my / n, sy / n }')")
            else
                say "counting failed (perf and strace must be installed and allowed)"; STATUS=1
            fi
        fi
        mk_s=$(median "${mk[@]}") sk_s=$(median "${sk[@]}") en_s=$(median "${en[@]}")
        sm_rate="-" vs_sm="-"
        if [[ ${#sm[@]} -gt 0 ]]; then
            sm_s=$(median "${sm[@]}"); sm_rate=$(rate "$n" "$sm_s"); vs_sm=$(ratio "$sm_s" "$sk_s")
        fi
        cpu=$(awk -v s="$(median "${skc[@]}")" -v m="$(median "${mkc[@]}")" -v n="$n" 'BEGIN { printf "%+.3f", (s - m) * 1000 / n }')
        added=$(awk -v s="$sk_s" -v m="$mk_s" -v n="$n" 'BEGIN { printf "%+.3f", (s - m) * 1000 / n }')
        ROWS+=("$(printf '%-6s %-12s %6d  %8s %8s %8s %9s  %6s %6s %9s  %9s %9s' "$fs" "$shape" "$n" \
            "$(rate "$n" "$mk_s")" "$(rate "$n" "$sk_s")" "$(rate "$n" "$en_s")" "$sm_rate" \
            "$(ratio "$mk_s" "$sk_s")" "$(ratio "$mk_s" "$en_s")" "$vs_sm" "$added" "$cpu")")
    done
done

echo
echo "Fair race: skein $("$SKEIN" --version 2>/dev/null || echo '?') vs $(make --version | head -n 1) -j$MAXJOBS vs snakemake ${SNAKEMAKE:+$("$SNAKEMAKE" --version) }--cores $MAXJOBS --scheduler greedy"
echo "host: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); medians of $RUNS alternating rounds; jobs/s"
printf '%-6s %-12s %6s  %8s %8s %8s %9s  %6s %6s %9s  %9s %9s\n' fs shape jobs make skein engine snakemake "s/make" "e/make" "s/snake" "ms/job" "cpu ms/job"
for row in "${ROWS[@]}"; do echo "$row"; done
echo "(skein = plan + run, full provenance; engine = skein run RUNDIR alone; s/make, e/make, s/snake ="
echo " skein or engine jobs/s over make's or snakemake's; ms/job = skein's added time per job over make's,"
echo " plan included: on the chain, one job at a time, the per-job latency; cpu ms/job = skein's"
echo " user + system time per job over make's, jobs included on both sides: the per-job cost of the"
echo " tool itself, little affected by other load on the machine)"
if [[ ${#COUNTS[@]} -gt 0 ]]; then
    echo
    echo "Per job, one counted run each (skein run without the plan; jobs included on both sides):"
    printf '%-6s %-12s %6s  %9s %9s %9s  %7s %7s  %8s %8s\n' fs shape jobs "make cpu" "skein cpu" "added" "make cs" "skein cs" "make sys" "skein sys"
    for row in "${COUNTS[@]}"; do echo "$row"; done
    echo "(cpu = perf stat task-clock ms per job; cs = context switches per job; sys = system calls"
    echo " per job, strace -f -c: the tool, its helper processes and the jobs)"
fi
[[ -n "$SNAKEMAKE" ]] && echo "snakemake: only shapes of at most $SNAKEMAKE_MAX_JOBS jobs (SNAKEMAKE_MAX_JOBS); '-' = not run" \
    || echo "snakemake: $SNAKEMAKE_WHY"
exit "$STATUS"
