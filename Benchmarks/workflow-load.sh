#!/usr/bin/env bash
# Workflow load + validate benchmark: Skein against PyYAML's C loader, in one run.
#
#   Benchmarks/workflow-load.sh                 # build release into .build-bench, run 10k and 100k
#   SKEIN_BIN=/path/to/skein Benchmarks/workflow-load.sh
#   BENCH_SIZES="10000 50000 100000" RUNS=5 Benchmarks/workflow-load.sh
#
# For each size it generates a montage-shaped workflow (Benchmarks/generate_montage.py) and
# measures, with /usr/bin/time, the best of RUNS runs of
#   skein   `skein validate --quiet` : read + validate workflow.yml and its three catalogs
#   PyYAML  `yaml.load(f, Loader=yaml.CSafeLoader)` on workflow.yml only, which is how the
#           Pegasus Python API reads these files (falls back to SafeLoader if libyaml is absent)
# and prints both side by side with their ratio. The PyYAML reference is slow on big files
# (about a minute for 100,000 jobs), so its repeats stop once a size has used REF_BUDGET seconds;
# the table shows how many runs each best-of took.
#
# Target (issue): 100,000 jobs in at most 3 s and 1 GiB peak memory, release build.
# Exit status: 1 if skein fails to validate a generated workflow (or any setup step fails);
# a missed target is reported as FAIL but does not change the exit status.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES=(${BENCH_SIZES:-10000 100000})
RUNS="${RUNS:-3}"
REF_BUDGET="${REF_BUDGET:-60}"
TARGET_JOBS=100000
TARGET_SECONDS=3
TARGET_MIB=1024

say() { printf '%s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (/usr/bin/time) with apt-get"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq time >&2
fi

if [[ -n "${SKEIN_BIN:-}" ]]; then
    SKEIN="$SKEIN_BIN"
else
    say "building skein (release, --scratch-path .build-bench)"
    (cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-bench" --product skein >&2)
    SKEIN="$(cd "$ROOT" && swift build -c release --scratch-path "$ROOT/.build-bench" --show-bin-path)/skein"
fi
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }

# The real interpreter, not a pyenv/asdf shim, so the shim's own processes are not measured.
PYTHON="${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}"
LOADER="$("$PYTHON" -c 'import yaml; print("CSafeLoader" if getattr(yaml, "__with_libyaml__", False) and hasattr(yaml, "CSafeLoader") else "SafeLoader")')"
PYYAML_VERSION="$("$PYTHON" -c 'import yaml; print(yaml.__version__)')"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/pyyaml_load.py" <<'EOF'
import sys, yaml
loader = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
with open(sys.argv[1], "rb") as f:
    doc = yaml.load(f, Loader=loader or yaml.SafeLoader)
assert len(doc["jobs"]) > 0
EOF

# measure NAME BUDGET CMD... : best (lowest) wall time of up to RUNS runs, stopping early once
# BUDGET seconds are used (0 = no budget). Sets BEST_S (lowest wall time), BEST_CPU (user + sys
# of that run: load from other work changes it less than wall time), BEST_MIB (lowest peak RSS
# over the same runs; it barely varies) and NRUNS (runs taken).
measure() {
    local name="$1" budget="$2"; shift 2
    local i s kb u sy used=0
    BEST_S=""; BEST_CPU=""; BEST_MIB=""; NRUNS=0
    for ((i = 1; i <= RUNS; i++)); do
        if ! /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.out" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
            say "$name failed (run $i):"; cat "$WORK/out.txt" "$WORK/err.txt" >&2
            return 1
        fi
        read -r s kb u sy < <(tail -n 1 "$WORK/time.out")
        NRUNS=$i
        if [[ -z "$BEST_S" ]] || awk -v a="$s" -v b="$BEST_S" 'BEGIN { exit !(a < b) }'; then
            BEST_CPU=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
        fi
        BEST_S=$(awk -v a="$s" -v b="$BEST_S" 'BEGIN { print (b == "" || a < b) ? a : b }')
        BEST_MIB=$(awk -v a="$kb" -v b="$BEST_MIB" 'BEGIN { m = a / 1024; print (b == "" || m < b) ? m : b }')
        used=$(awk -v u="$used" -v s="$s" 'BEGIN { print u + s }')
        if [[ "$budget" != 0 ]] && awk -v u="$used" -v b="$budget" 'BEGIN { exit !(u >= b) }'; then
            break
        fi
    done
}

say "skein:  $SKEIN"
say "PyYAML: $PYYAML_VERSION with $LOADER ($PYTHON)"
[[ "$LOADER" == SafeLoader ]] && say "NOTE: libyaml is not available to PyYAML: the reference is the pure-Python SafeLoader"

ROWS=()
STATUS=0
declare -A SK_S SK_MIB
for n in "${SIZES[@]}"; do
    dir="$WORK/$n"
    say ""
    say "== $n jobs"
    "$PYTHON" "$ROOT/Benchmarks/generate_montage.py" --jobs "$n" --out "$dir"
    wf="$dir/workflow.yml"
    cats=(--sites "$dir/sites.yml" --transformations "$dir/transformations.yml" --replicas "$dir/replicas.yml")

    # Correctness first (also warms the page cache): the generated workflow must be clean.
    if ! "$SKEIN" validate "$wf" "${cats[@]}" >"$WORK/check.txt" 2>&1; then
        say "skein validate FAILED on the generated $n-job workflow:"
        cat "$WORK/check.txt" >&2
        STATUS=1
        continue
    fi
    if ! grep -q 'valid (0 errors, 0 warnings)' "$WORK/check.txt"; then
        say "WARNING: skein reports diagnostics on the generated $n-job workflow:"
        cat "$WORK/check.txt" >&2
    else
        say "$(grep -E '^workflow ' "$WORK/check.txt" | tr -s ' ') -- valid (0 errors, 0 warnings)"
    fi

    measure "skein validate" 0 "$SKEIN" validate --quiet "$wf" "${cats[@]}" || { STATUS=1; continue; }
    sk_s=$BEST_S sk_cpu=$BEST_CPU sk_mib=$BEST_MIB sk_runs=$NRUNS
    SK_S[$n]=$sk_s; SK_MIB[$n]=$sk_mib
    say "skein   best of $sk_runs: ${sk_s} s (cpu ${sk_cpu} s), $(printf '%.0f' "$sk_mib") MiB"

    measure "PyYAML $LOADER" "$REF_BUDGET" "$PYTHON" "$WORK/pyyaml_load.py" "$wf" || { STATUS=1; continue; }
    py_s=$BEST_S py_mib=$BEST_MIB py_runs=$NRUNS
    say "PyYAML  best of $py_runs: ${py_s} s, $(printf '%.0f' "$py_mib") MiB"

    mb=$(awk -v b="$(stat -c %s "$wf")" 'BEGIN { printf "%.1f", b / 1e6 }')
    ROWS+=("$(awk -v n="$n" -v mb="$mb" -v ss="$sk_s" -v sc="$sk_cpu" -v sm="$sk_mib" -v sr="$sk_runs" \
        -v ps="$py_s" -v pm="$py_mib" -v pr="$py_runs" 'BEGIN {
        tr = (ps > 0) ? sprintf("%.3f", ss / ps) : "n/a"
        mr = (pm > 0) ? sprintf("%.3f", sm / pm) : "n/a"
        printf "%8d %8s %9.2f %9.2f %9.0f %4d  %9.2f %9.0f %4d  %10s %9s", n, mb, ss, sc, sm, sr, ps, pm, pr, tr, mr }')")
    rm -rf "$dir"
done

echo
echo "Workflow load + validate: skein $("$SKEIN" --version 2>/dev/null || echo '?') vs PyYAML $PYYAML_VERSION $LOADER (workflow.yml only)"
echo "host: $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg); best of up to $RUNS runs (n = runs taken; skein cpu = user + sys of its best run)"
printf '%8s %8s %9s %9s %9s %4s  %9s %9s %4s  %10s %9s\n' \
    jobs "file MB" "skein s" "skein cpu" "skein MiB" n "PyYAML s" "PyYAML MiB" n "time ratio" "mem ratio"
for row in "${ROWS[@]}"; do echo "$row"; done
echo "(ratios are skein / PyYAML; file MB is workflow.yml; skein also reads the three catalogs and validates)"

first="${SIZES[0]}"; last="${SIZES[${#SIZES[@]}-1]}"
if [[ "$first" != "$last" && -n "${SK_S[$first]:-}" && -n "${SK_S[$last]:-}" ]]; then
    awk -v a="$first" -v b="$last" -v ta="${SK_S[$first]}" -v tb="${SK_S[$last]}" \
        -v ma="${SK_MIB[$first]}" -v mb="${SK_MIB[$last]}" 'BEGIN {
        printf "scaling %d -> %d jobs (x%.1f): skein time x%.1f, peak memory x%.1f\n", a, b, b / a, (ta > 0 ? tb / ta : 0), mb / ma }'
fi

if [[ -n "${SK_S[$TARGET_JOBS]:-}" ]]; then
    s="${SK_S[$TARGET_JOBS]}"; mib="${SK_MIB[$TARGET_JOBS]}"
    if awk -v s="$s" -v m="$mib" -v ts="$TARGET_SECONDS" -v tm="$TARGET_MIB" 'BEGIN { exit !(s <= ts && m <= tm) }'; then
        verdict=PASS
    else
        verdict=FAIL
    fi
    printf '%s: %d jobs in %.2f s (target <= %d s) and %.0f MiB (target <= %d MiB)\n' \
        "$verdict" "$TARGET_JOBS" "$s" "$TARGET_SECONDS" "$mib" "$TARGET_MIB"
else
    echo "target not checked: no successful $TARGET_JOBS-job run"
fi
exit "$STATUS"
