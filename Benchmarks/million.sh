#!/usr/bin/env bash
# A million jobs end to end (issue 15): validate, plan, run (with a crash and a resume) and
# report on 1,000,000-job workflows, next to the same tool at 10,000 and 100,000 jobs, so the
# scaling is visible.
#
#   Benchmarks/million.sh                        # release build into .build-bench; ~45 minutes
#   SKEIN_BIN=/path/to/skein Benchmarks/million.sh
#   SIZES="10000 100000" Benchmarks/million.sh   # iterate below a million (a few minutes)
#   ENGINE_MAX=100000 Benchmarks/million.sh      # engine only up to 100,000 jobs (a 1M run: ~13 min per shape)
#   SHAPES=fanout KEEP=1 Benchmarks/million.sh
#   STEPS=validate Benchmarks/million.sh         # only the validate step (a few minutes)
#   STEPS="validate plan" Benchmarks/million.sh  # no engine, no reports (validate always runs)
#   GENERATED=/tmp/wf- Benchmarks/million.sh     # generate into /tmp/wf-SHAPE-N once, reuse it after
#
# Shapes (SHAPES, default "fanout montage"):
#   fanout   Benchmarks/generate_dag.py --shape fanout: 1 split -> N-2 no-op workers -> 1 join
#   montage  Benchmarks/generate_montage.py: the montage-like workflow with files (every job
#            reads and writes logical files, ~2.5 edges per job) for validate and plan; the
#            engine runs Benchmarks/generate_dag.py --shape montage (the same levels and edges,
#            no files, every job /bin/true), planned separately
# For each size (SIZES, default "10000 100000 1000000"):
#   validate   `skein validate --quiet WF --sites --transformations --replicas`  (/usr/bin/time)
#   plan       `skein plan WF --dir RUNS` (a run directory with plan.json, settings, scratch)
#   engine     (N <= ENGINE_MAX) Benchmarks/engine_crash_resume.py: `skein run RUNDIR --batch
#              --maxjobs 2`, SIGKILL at 90 % of jobs succeeded, started again, run to the end;
#              jobs/s over the whole run, the highest peak RSS, and "restart": the resumed
#              engine's start to its first new job launched ("ready": the same for the fresh start)
#   reports    `skein status`, `skein analyze`, `skein statistics` on the finished run (best of
#              RUNS), or on Benchmarks/generate_run_db.py's run of N jobs when the engine did not run
# References measured in the same run: every figure's ratio to the same tool at the smallest
# size (the scaling table: time and memory per job relative to 10,000 jobs; 1.0 = linear);
# `wc -l` reading the workflow file (the I/O floor for validate); PyYAML's C loader on the
# workflow file at sizes <= REF_MAX (10,000: it needs ~35x Skein's memory); sqlite3 counting
# the run database's jobstate rows (the floor for a report).
#
# Targets at 1,000,000 jobs: validate <= 30 s and plan <= 40 s, each <= 3 GiB peak; the engine
# <= 1 GiB peak at >= 0.9x its 10,000-job throughput; status, analyze, statistics <= 3 s
# each; a crash-resume at 900,000 done launches its first new job within 10 s.
# A missed target prints FAIL; the exit status is 1 only if a step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
read -r -a SIZES <<<"${SIZES:-10000 100000 1000000}"
read -r -a SHAPES <<<"${SHAPES:-fanout montage}"
ENGINE_MAX="${ENGINE_MAX:-1000000}"
REF_MAX="${REF_MAX:-10000}"
RUNS="${RUNS:-3}"
STEPS=" ${STEPS:-validate plan engine reports} "   # which steps run (the others print -)
step() { [[ "$STEPS" == *" $1 "* ]]; }
GENERATED="${GENERATED:-}"   # a prefix: the workflows live in ${GENERATED}SHAPE-N and are kept
drop() { [[ -n "$GENERATED" ]] || rm -rf "$1"; }
MAXJOBS="${MAXJOBS:-2}"
TARGET_JOBS=1000000
PYTHON="${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"

say() { printf '%s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq time >&2
fi
source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }
bench_tempdir
export NO_COLOR=1

# timed NAME CMD... : one run under /usr/bin/time, output discarded; sets T_S (wall), T_CPU
# (user + sys) and T_MIB (peak RSS). Exit codes other than 0 and 2 (analyze's "failed jobs") fail.
timed() {
    local name="$1" kb code=0; shift
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time.out" "$@" >/dev/null 2>"$TMP/err.txt" || code=$?
    if [[ "$code" -ne 0 && "$code" -ne 2 ]]; then
        say "$name FAILED ($code):"; tail -n 20 "$TMP/err.txt" >&2
        return 1
    fi
    read -r T_S u s kb < <(tail -n 1 "$TMP/time.out")  # a non-zero exit adds a line before
    T_CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    T_MIB=$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')
}

# best_of NAME CMD... : the lowest wall time of RUNS runs (T_S, T_CPU, T_MIB of that run).
best_of() {
    local name="$1" i bs="" bc="" bm=""; shift
    for ((i = 1; i <= RUNS; i++)); do
        timed "$name" "$@" || return 1
        if [[ -z "$bs" ]] || awk -v a="$T_S" -v b="$bs" 'BEGIN { exit !(a < b) }'; then bs=$T_S bc=$T_CPU bm=$T_MIB; fi
    done
    T_S=$bs T_CPU=$bc T_MIB=$bm
}

declare -A R   # R[shape,size,figure] = value
put() { R["$1,$2,$3"]="$4"; }
get() { printf '%s' "${R["$1,$2,$3"]:-}"; }

say "skein: $SKEIN ($("$SKEIN" --version 2>/dev/null || echo '?'))"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
SCHEMA_DB=""

for shape in "${SHAPES[@]}"; do
    for n in "${SIZES[@]}"; do
        dir="${GENERATED:-$TMP/}$shape-$n"
        say ""
        say "== $shape, $n jobs ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))"
        if [[ -n "$GENERATED" && -f "$dir/workflow.yml" ]]; then
            say "reusing $dir"
        elif [[ "$shape" == montage ]]; then
            "$PYTHON" "$ROOT/Benchmarks/generate_montage.py" --jobs "$n" --out "$dir" >&2
        else
            "$PYTHON" "$ROOT/Benchmarks/generate_dag.py" --shape "$shape" --jobs "$n" --out "$dir" >&2
        fi
        wf="$dir/workflow.yml"
        cats=(--sites "$dir/sites.yml" --transformations "$dir/transformations.yml" --replicas "$dir/replicas.yml")
        put "$shape" "$n" mb "$(awk -v b="$(stat -c %s "$wf")" 'BEGIN { printf "%.0f", b / 1e6 }')"

        # validate: correctness first (warms the page cache too), then timed.
        "$SKEIN" validate "$wf" "${cats[@]}" >"$TMP/check.txt" 2>&1 || true
        if ! grep -q 'valid (0 errors, 0 warnings)' "$TMP/check.txt"; then
            say "skein validate does not find the generated $shape workflow clean:"; head -n 20 "$TMP/check.txt" >&2
            exit 1
        fi
        timed "wc -l" wc -l "$wf"; put "$shape" "$n" wc_s "$T_S"
        timed "skein validate" "$SKEIN" validate --quiet "$wf" "${cats[@]}"
        put "$shape" "$n" validate_s "$T_S"; put "$shape" "$n" validate_cpu "$T_CPU"; put "$shape" "$n" validate_mib "$T_MIB"
        say "validate: ${T_S} s (cpu ${T_CPU} s), ${T_MIB} MiB; wc -l: $(get "$shape" "$n" wc_s) s"
        if [[ "$n" -le "$REF_MAX" ]]; then
            timed "PyYAML" "$PYTHON" -c 'import sys, yaml; yaml.load(open(sys.argv[1], "rb"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))' "$wf"
            put "$shape" "$n" pyyaml_s "$T_S"; put "$shape" "$n" pyyaml_mib "$T_MIB"
            say "PyYAML load: ${T_S} s, ${T_MIB} MiB"
        fi

        if ! step plan && ! step engine && ! step reports; then drop "$dir"; continue; fi

        # plan
        timed "skein plan" "$SKEIN" plan "$wf" --dir "$TMP/runs-$shape-$n"  # the catalogs beside it
        put "$shape" "$n" plan_s "$T_S"; put "$shape" "$n" plan_cpu "$T_CPU"; put "$shape" "$n" plan_mib "$T_MIB"
        say "plan: ${T_S} s (cpu ${T_CPU} s), ${T_MIB} MiB"
        run="$(ls -d "$TMP/runs-$shape-$n"/*/run* | tail -n 1)"

        # engine, through a crash at 90 %
        if step engine && [[ "$n" -le "$ENGINE_MAX" ]]; then
            if [[ "$shape" == montage ]]; then
                # The engine's montage has the same levels and edges, no files (jobs are /bin/true).
                "$PYTHON" "$ROOT/Benchmarks/generate_dag.py" --shape montage --jobs "$n" --out "$dir-noop" >&2
                "$SKEIN" plan "$dir-noop/workflow.yml" --dir "$TMP/runs-$shape-$n-noop" >/dev/null
                run="$(ls -d "$TMP/runs-$shape-$n-noop"/*/run* | tail -n 1)"
            fi
            drop "$dir"; rm -rf "$dir-noop"   # the workflow files are not needed any more
            say "engine: running $run (crash at 90 %, then resume)"
            "$PYTHON" "$ROOT/Benchmarks/engine_crash_resume.py" "$SKEIN" "$run" --jobs "$n" --maxjobs "$MAXJOBS" >"$TMP/engine.json"
            for f in ready_s restart_s jobs_per_s before_jobs_per_s peak_mib cpu_s; do
                put "$shape" "$n" "$f" "$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/engine.json" "$f")"
            done
            say "engine: $(cat "$TMP/engine.json")"
        elif ! step reports; then
            drop "$dir"; rm -rf "$TMP/runs-$shape-$n"; continue
        else
            drop "$dir"
            # A finished run of N jobs without running the engine (a Pegasus-style submit folder).
            if [[ -z "$SCHEMA_DB" ]]; then SCHEMA_DB="$(ls "$(diamond_run "$ROOT" "$SKEIN" "$TMP")"/*.stampede.db)"; fi
            run="$TMP/generated-$n"   # one per size, shared by the shapes
            if [[ ! -d "$run" ]]; then
                say "reports: generating a finished $n-job run (generate_run_db.py)"
                "$PYTHON" "$ROOT/Benchmarks/generate_run_db.py" --schema-from "$SCHEMA_DB" --out "$run" --label "gen$n" --jobs "$n" \
                    --fail-last $((n / 200)) --fail-early $((n / 1000)) >&2
            fi
            put "$shape" "$n" reports_on generated
        fi

        # reports on the finished run
        db="$(ls "$run"/*.stampede.db | head -n 1)"
        timed "sqlite3" sqlite3 "$db" "SELECT count(*) FROM jobstate"; put "$shape" "$n" sqlite_s "$T_S"
        for report in status analyze statistics; do
            best_of "skein $report" "$SKEIN" "$report" "$run"
            put "$shape" "$n" "${report}_s" "$T_S"; put "$shape" "$n" "${report}_mib" "$T_MIB"
            say "$report: ${T_S} s, ${T_MIB} MiB"
        done
        say "sqlite3 count(*) jobstate: $(get "$shape" "$n" sqlite_s) s"
        rm -rf "$TMP/runs-$shape-$n" "$TMP/runs-$shape-$n-noop"
    done
done

# --- tables --------------------------------------------------------------------------------
col() { local v; v="$(get "$@")"; printf '%s' "${v:--}"; }
echo
echo "A million jobs: skein $("$SKEIN" --version 2>/dev/null || echo '?'), $(nproc) cores, $(uname -sr), load average at end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "validate and plan: one run each under /usr/bin/time (wall s, peak MiB); engine: --maxjobs $MAXJOBS, killed at 90 % and resumed;"
echo "reports: best of $RUNS; wc, PyYAML (<= $REF_MAX jobs) and sqlite3 are the same-run references"
printf '%-8s %8s %5s | %7s %7s %6s %7s %7s %6s | %6s %7s | %7s %6s | %7s %7s %7s %6s | %6s %6s %6s | %6s\n' \
    shape jobs MB "val s" "val cpu" "val MiB" "plan s" "plancpu" "planMiB" "wc s" "PyYAML" "eng j/s" "engMiB" "ready s" "restart" "pre j/s" "eng cpu" \
    "stat s" "anlz s" "stats s" "sqlite"
for shape in "${SHAPES[@]}"; do
    for n in "${SIZES[@]}"; do
        printf '%-8s %8d %5s | %7s %7s %6s %7s %7s %6s | %6s %7s | %7s %6s | %7s %7s %7s %6s | %6s %6s %6s | %6s\n' \
            "$shape" "$n" "$(col "$shape" "$n" mb)" "$(col "$shape" "$n" validate_s)" "$(col "$shape" "$n" validate_cpu)" "$(col "$shape" "$n" validate_mib)" \
            "$(col "$shape" "$n" plan_s)" "$(col "$shape" "$n" plan_cpu)" "$(col "$shape" "$n" plan_mib)" "$(col "$shape" "$n" wc_s)" "$(col "$shape" "$n" pyyaml_s)" \
            "$(col "$shape" "$n" jobs_per_s)" "$(col "$shape" "$n" peak_mib)" "$(col "$shape" "$n" ready_s)" "$(col "$shape" "$n" restart_s)" \
            "$(col "$shape" "$n" before_jobs_per_s)" "$(col "$shape" "$n" cpu_s)" \
            "$(col "$shape" "$n" status_s)" "$(col "$shape" "$n" analyze_s)" "$(col "$shape" "$n" statistics_s)" "$(col "$shape" "$n" sqlite_s)"
        [[ "$(get "$shape" "$n" reports_on)" == generated ]] && echo "         (reports at $n jobs on a generated run: the engine ran only up to $ENGINE_MAX jobs)"
    done
done

# Scaling: per-job cost relative to the smallest size (time or memory ratio / jobs ratio).
base="${SIZES[0]}"
echo
echo "scaling from $base jobs: CPU time (memory) ratio to $base jobs, divided by the jobs ratio (1.00 = linear; memory includes the fixed start-up;"
echo " CPU = user + sys, which load from other work changes less than wall time)"
printf '%-8s %8s %6s | %15s %15s %15s | %15s\n' shape jobs "x jobs" validate plan engine "engine j/s"
ratio() { awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b / k }'; }
for shape in "${SHAPES[@]}"; do
    for n in "${SIZES[@]}"; do
        [[ "$n" == "$base" ]] && continue
        k=$(awk -v a="$n" -v b="$base" 'BEGIN { print a / b }')
        eng_t=""
        [[ -n "$(get "$shape" "$n" jobs_per_s)" && -n "$(get "$shape" "$base" jobs_per_s)" ]] \
            && eng_t=$(awk -v a="$(get "$shape" "$base" jobs_per_s)" -v b="$(get "$shape" "$n" jobs_per_s)" 'BEGIN { printf "%.2f", a / b }')
        printf '%-8s %8d %6s | %6s (%6s) %6s (%6s) %6s (%6s) | %15s\n' "$shape" "$n" "x$k" \
            "$(ratio "$(get "$shape" "$n" validate_cpu)" "$(get "$shape" "$base" validate_cpu)" "$k")" \
            "$(ratio "$(get "$shape" "$n" validate_mib)" "$(get "$shape" "$base" validate_mib)" "$k")" \
            "$(ratio "$(get "$shape" "$n" plan_cpu)" "$(get "$shape" "$base" plan_cpu)" "$k")" \
            "$(ratio "$(get "$shape" "$n" plan_mib)" "$(get "$shape" "$base" plan_mib)" "$k")" \
            "${eng_t:--}" \
            "$(ratio "$(get "$shape" "$n" peak_mib)" "$(get "$shape" "$base" peak_mib)" "$k")" \
            "$(ratio "$(get "$shape" "$n" jobs_per_s)" "$(get "$shape" "$base" jobs_per_s)" 1)"
    done
done

# --- targets -------------------------------------------------------------------------------
echo
check() {  # check LABEL VALUE OP LIMIT UNIT
    local label="$1" v="$2" op="$3" limit="$4" unit="$5"
    if [[ -z "$v" ]]; then echo "NOT RUN: $label"; return; fi
    if awk -v v="$v" -v l="$limit" -v op="$op" 'BEGIN { exit !(op == "<=" ? v <= l : v >= l) }'; then
        echo "PASS: $label $v $unit (target $op $limit $unit)"
    else
        echo "FAIL: $label $v $unit (target $op $limit $unit)"
    fi
}
for shape in "${SHAPES[@]}"; do
    n=$TARGET_JOBS
    # Only the steps that ran are judged: a skipped step is not a missed target.
    if step validate; then
        check "$shape $n validate" "$(get "$shape" "$n" validate_s)" "<=" 30 s
        check "$shape $n validate peak" "$(get "$shape" "$n" validate_mib)" "<=" 3072 MiB
    fi
    if step plan; then
        check "$shape $n plan" "$(get "$shape" "$n" plan_s)" "<=" 40 s
        check "$shape $n plan peak" "$(get "$shape" "$n" plan_mib)" "<=" 3072 MiB
    fi
    if step engine; then
        check "$shape $n engine peak" "$(get "$shape" "$n" peak_mib)" "<=" 1024 MiB
        tp=""
        [[ -n "$(get "$shape" "$n" jobs_per_s)" && -n "$(get "$shape" 10000 jobs_per_s)" ]] \
            && tp=$(awk -v a="$(get "$shape" "$n" jobs_per_s)" -v b="$(get "$shape" 10000 jobs_per_s)" 'BEGIN { printf "%.2f", a / b }')
        check "$shape $n engine throughput / 10000-job throughput" "$tp" ">=" 0.9 x
        check "$shape $n crash-resume at 90 % (first new job launched)" "$(get "$shape" "$n" restart_s)" "<=" 10 s
    fi
    if step reports; then
        for report in status analyze statistics; do
            check "$shape $n $report" "$(get "$shape" "$n" "${report}_s")" "<=" 3 s
        done
    fi
done
