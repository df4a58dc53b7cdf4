#!/usr/bin/env bash
# Start-up cost of skein-kickstart, the wrapper around every remote job, against /bin/true.
#
#   Benchmarks/kickstart-startup.sh              # release build into .build-ks; 1000 runs x 3 rounds
#   RUNS=5000 ROUNDS=5 Benchmarks/kickstart-startup.sh
#   KS_BIN=/path/to/skein-kickstart Benchmarks/kickstart-startup.sh   # skip the build
#
# Times, in a shell loop, RUNS runs of
#   /bin/true
#   skein-kickstart -r /dev/null /bin/true      (wrapper + the same job + a full success record)
# and, for reference, two tiny Swift programs built here the way skein-kickstart is (Glibc only,
# -static-stdlib): `swift-exit` does nothing (a Swift program's start-up floor, ~2 ms in the
# design's "Executing jobs" notes) and `swift-spawn` only posix_spawns /bin/true and wait4s for it (the
# floor for any Swift wrapper; what skein-kickstart adds beyond it is the record).
# The loops alternate for ROUNDS rounds and the best round of each counts, so load from other
# work on the machine distorts the comparison less (each run also pays one bash function call,
# the same for every line). Prints total and per-run milliseconds and the ratio
# skein-kickstart / true. The table goes to stdout, progress to stderr; the exit status
# is non-zero only if a setup step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-1000}"
ROUNDS="${ROUNDS:-3}"

if [[ -n "${KS_BIN:-}" ]]; then
    KS="$KS_BIN"
else
    echo "building skein-kickstart (release, .build-ks)" >&2
    (cd "$ROOT" && swift build -c release --scratch-path .build-ks --product skein-kickstart >&2)
    KS="$ROOT/.build-ks/release/skein-kickstart"
fi
[[ -x "$KS" ]] || { echo "no executable at $KS" >&2; exit 1; }
"$KS" -r /dev/null /bin/true || { echo "$KS -r /dev/null /bin/true failed" >&2; exit 1; }

REF="$ROOT/.build-ks/bench-kickstart"
mkdir -p "$REF"
echo "building the reference programs in $REF" >&2
printf 'import Glibc\nexit(0)\n' >"$REF/exit.swift"
cat >"$REF/spawn.swift" <<'SWIFT'
import Glibc
var pid: pid_t = 0
var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
guard posix_spawn(&pid, "/bin/true", nil, nil, &argv, environ) == 0 else { exit(1) }
var status: Int32 = 0
var usage = rusage()
wait4(pid, &status, 0, &usage)
exit(status == 0 ? 0 : 1)
SWIFT
swiftc -O -static-stdlib "$REF/exit.swift" -o "$REF/swift-exit" >&2
swiftc -O -static-stdlib "$REF/spawn.swift" -o "$REF/swift-spawn" >&2

now_ns() { date +%s%N; }

# Nanoseconds taken by N runs of the given command.
loop() {
    local n=$1 start i
    shift
    start=$(now_ns)
    for ((i = 0; i < n; i++)); do "$@"; done
    echo $(($(now_ns) - start))
}

echo "warming up" >&2
run_true() { /bin/true; }
run_exit() { "$REF/swift-exit"; }
run_spawn() { "$REF/swift-spawn"; }
run_kickstart() { "$KS" -r /dev/null /bin/true; }
COMMANDS=(run_true run_exit run_spawn run_kickstart)
LABELS=("/bin/true" "swift-exit (reference)" "swift-spawn /bin/true (reference)" "skein-kickstart -r /dev/null /bin/true")
for command in "${COMMANDS[@]}"; do loop 50 "$command" >/dev/null; done

best=()
for ((round = 1; round <= ROUNDS; round++)); do
    echo "round $round/$ROUNDS: $RUNS runs each" >&2
    for i in "${!COMMANDS[@]}"; do
        t=$(loop "$RUNS" "${COMMANDS[$i]}")
        if [[ -z "${best[$i]:-}" ]] || ((t < best[i])); then best[i]=$t; fi
    done
done

{
    printf '%s\n' "$RUNS" "$ROUNDS"
    for i in "${!COMMANDS[@]}"; do printf '%s\t%s\n' "${LABELS[$i]}" "${best[$i]}"; done
} | awk -F '\t' 'NR == 1 { runs = $1; next } NR == 2 { rounds = $1
        printf "%-44s %10s %10s\n", "command (" runs " runs, best of " rounds ")", "total ms", "ms/run"; next }
    { ms = $2 / 1e6; printf "%-44s %10.1f %10.3f\n", $1, ms, ms / runs; total[NR] = ms }
    END { printf "ratio skein-kickstart / true: %.2f\n", total[NR] / total[3] }'
