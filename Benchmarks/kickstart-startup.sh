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
#   sh SCRIPT                                   (a Slurm batch script as Skein wrote it before:
#                                                /bin/sh execs skein-kickstart around /bin/true)
#   SCRIPT                                      (the same script with `#!skein-kickstart --script`,
#                                                as Skein writes it now: no shell in between)
#   a sandboxed job's script (nonsharedfs, a job without files) as it was, sh with mktemp and
#   rm -rf around skein-kickstart, and as it is now, skein-kickstart --sandbox as interpreter
# and, for reference, two tiny Swift programs built here the way skein-kickstart is (Glibc only,
# -static-executable): `swift-exit` does nothing (a static Swift program's start-up floor) and
# `swift-spawn` only posix_spawns /bin/true and wait4s for it (the floor for any Swift wrapper;
# what skein-kickstart adds beyond it is the record).
# The loops alternate for ROUNDS rounds and the best round of each counts, so load from other
# work on the machine distorts the comparison less (each run also pays one bash function call,
# the same for every line). Prints per-run wall milliseconds and per-run CPU milliseconds (user +
# sys of the runs, from bash's `times`: what a loaded machine cannot inflate much), and the
# ratios to /bin/true. The table goes to stdout, progress to stderr; the exit status is non-zero
# only if a setup step fails.
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
# (static glibc warns that NSS and dlopen need the same glibc at run time: not used here)
swiftc -O -static-executable "$REF/exit.swift" -o "$REF/swift-exit" 2>/dev/null
swiftc -O -static-executable "$REF/spawn.swift" -o "$REF/swift-spawn" 2>/dev/null

# The batch script as SlurmBatchScript writes it for a plain job (an export, then the wrapper).
SCRIPT="$REF/job.sbatch"
{
    if ((${#KS} + 11 <= 127)); then printf '#!%s --script\n' "$KS"; else printf '#!/bin/sh\n'; fi
    printf '#SBATCH --job-name=ID0000001\nexport SKEIN_BENCH=1\n'
    printf 'exec %s -n noop -N ID0000001 -R hpc -L bench -r /dev/null -- /bin/true\n' "$KS"
} >"$SCRIPT"
chmod +x "$SCRIPT"
"$SCRIPT" || { echo "$SCRIPT failed" >&2; exit 1; }

# A sandboxed job's script (nonsharedfs, condorio: the default; a job without files): before,
# sh made the folder with mktemp, ran the wrapper and removed the folder with rm -rf; now
# skein-kickstart does all of it (--sandbox).
export SKEIN_WN_TMP="$REF/node-tmp"
mkdir -p "$SKEIN_WN_TMP"
SANDBOX_SH="$REF/sandbox-sh.sbatch"
cat >"$SANDBOX_SH" <<SH
#!/bin/sh
#SBATCH --job-name=ID0000001
sandbox=\$(mktemp -d "\${SKEIN_WN_TMP:-\${TMPDIR:-/tmp}}"/ID0000001.sandbox-XXXXXX) || exit 1
trap 'cd / && rm -rf "\$sandbox"' EXIT
cd "\$sandbox" || exit 1
$KS -n noop -N ID0000001 -R hpc -L bench -w ''"\$sandbox"'' -r /dev/null -- /bin/true
status=\$?
exit \$status
SH
SANDBOX="$REF/sandbox.sbatch"
{
    if ((${#KS} + 11 <= 127)); then printf '#!%s --script\n' "$KS"; else printf '#!/bin/sh\n'; fi
    printf '#SBATCH --job-name=ID0000001\n'
    printf 'exec %s --sandbox ID0000001 -n noop -N ID0000001 -R hpc -L bench -w . -r /dev/null -- /bin/true\n' "$KS"
} >"$SANDBOX"
chmod +x "$SANDBOX_SH" "$SANDBOX"
"$SANDBOX_SH" || { echo "$SANDBOX_SH failed" >&2; exit 1; }
SANDBOX_OK=1
"$SANDBOX" 2>/dev/null || { echo "($KS has no --sandbox: that line is left out)" >&2; SANDBOX_OK=0; }

now_ns() { date +%s%N; }

# Children's user+sys in milliseconds in a `times` output (second line: "XmY.YYYs XmZ.ZZZs").
cpu_ms() {
    awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$1"
}

# "wall_ns cpu_ms" of N runs of the given command (`times` runs in this shell, which waits for
# the runs; a command substitution would see only its own children).
loop() {
    local n=$1 start i
    shift
    times >"$REF/times.before"
    start=$(now_ns)
    for ((i = 0; i < n; i++)); do "$@"; done
    local end=$(now_ns)
    times >"$REF/times.after"
    echo "$((end - start)) $(($(cpu_ms "$REF/times.after") - $(cpu_ms "$REF/times.before")))"
}

echo "warming up" >&2
run_true() { /bin/true; }
run_exit() { "$REF/swift-exit"; }
run_spawn() { "$REF/swift-spawn"; }
run_kickstart() { "$KS" -r /dev/null /bin/true; }
run_sh_script() { /bin/sh "$SCRIPT"; }
run_script() { "$SCRIPT"; }
run_sandbox_sh() { "$SANDBOX_SH"; }
run_sandbox() { "$SANDBOX"; }
COMMANDS=(run_true run_exit run_spawn run_kickstart run_sh_script run_script run_sandbox_sh)
LABELS=("/bin/true" "swift-exit (reference)" "swift-spawn /bin/true (reference)" "skein-kickstart -r /dev/null /bin/true"
        "sh SCRIPT (/bin/sh, exec skein-kickstart)" "SCRIPT (#!skein-kickstart --script)"
        "sandboxed, sh: mktemp, skein-kickstart, rm")
if ((SANDBOX_OK)); then COMMANDS+=(run_sandbox); LABELS+=("sandboxed, #!skein-kickstart --sandbox"); fi
for command in "${COMMANDS[@]}"; do loop 50 "$command" >/dev/null; done

best=()
best_cpu=()
for ((round = 1; round <= ROUNDS; round++)); do
    echo "round $round/$ROUNDS: $RUNS runs each" >&2
    for i in "${!COMMANDS[@]}"; do
        read -r t c < <(loop "$RUNS" "${COMMANDS[$i]}")
        if [[ -z "${best[$i]:-}" ]] || ((t < best[i])); then best[i]=$t; fi
        if [[ -z "${best_cpu[$i]:-}" ]] || ((c < best_cpu[i])); then best_cpu[i]=$c; fi
    done
done

{
    printf '%s\n' "$RUNS" "$ROUNDS" "$(cut -d' ' -f1-3 /proc/loadavg)"
    for i in "${!COMMANDS[@]}"; do printf '%s\t%s\t%s\n' "${LABELS[$i]}" "${best[$i]}" "${best_cpu[$i]}"; done
} | awk -F '\t' 'NR == 1 { runs = $1; next } NR == 2 { rounds = $1; next } NR == 3 { load = $1
        printf "%-44s %10s %10s %12s %9s\n", "command (" runs " runs, best of " rounds ")", "ms/run", "x true", "CPU ms/run", "x true"; next }
    { ms = $2 / 1e6 / runs; cpu = $3 / runs; if (NR == 4) { t = ms; tc = cpu }
      printf "%-44s %10.3f %10.2f %12.3f %9.2f\n", $1, ms, ms / t, cpu, (tc > 0 ? cpu / tc : 0); w[NR] = ms; c[NR] = cpu }
    END { printf "ratio skein-kickstart / true: %.2f (wall), %.2f (CPU); load average %s\n", w[7] / w[4], (c[4] > 0 ? c[7] / c[4] : 0), load
          printf "the batch script: sh + skein-kickstart %.3f ms, skein-kickstart as its interpreter %.3f ms (wall per job)\n", w[8], w[9]
          if (10 in w) printf "a sandboxed job: sh + mktemp + skein-kickstart + rm %.3f ms (CPU %.3f), skein-kickstart --sandbox %s\n", w[10], c[10], (11 in w ? sprintf("%.3f ms (CPU %.3f)", w[11], c[11]) : "n/a") }'
