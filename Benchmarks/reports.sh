#!/usr/bin/env bash
# Reports benchmark: `skein status`, `skein analyze` and `skein statistics` (text and JSON) on
# a generated 100,000-job run database, next to pegasus-statistics and pegasus-analyzer (the
# reference) on the same database.
#
#   Benchmarks/reports.sh                        # build release into .build-bench, 100,000 jobs
#   SKEIN_BIN=/path/to/skein Benchmarks/reports.sh
#   BENCH_JOBS=20000 RUNS=5 Benchmarks/reports.sh
#   PEGASUS_VENV=/path/to/venv Benchmarks/reports.sh   # default: .build-pegasus-venv (skipped if absent)
#   NO_REFERENCE=1 Benchmarks/reports.sh         # skip Pegasus's tools (they take ~15 s)
#
# Target (issue): each report in at most 1 second on 100,000 jobs (release build).
# Exit status: 1 if a skein report fails or disagrees with Pegasus's tools, or a setup step
# fails; a missed target is reported as FAIL but does not change the exit status.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${BENCH_JOBS:-100000}"
RUNS="${RUNS:-3}"
VENV="${PEGASUS_VENV:-$ROOT/.build-pegasus-venv}"

say() { printf '%s\n' "$*" >&2; }

source "$ROOT/Benchmarks/lib.sh"
SKEIN="$(skein_binary "$ROOT")"
[[ -x "$SKEIN" ]] || { say "skein binary not found at $SKEIN"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/skein-reports-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export SKEIN_STATE_DIR="$WORK/state" NO_COLOR=1

# A real Skein run gives the exact schema Skein writes; the generator copies it.
say "running Examples/diamond for the database schema"
"$SKEIN" run "$ROOT/Examples/diamond/workflow.yml" --batch --dir "$WORK/seed" >/dev/null
SEED="$(ls "$WORK"/seed/diamond/run0001/*.stampede.db)"
say "generating a $JOBS-job run"
python3 "$ROOT/Benchmarks/generate_run_db.py" --schema-from "$SEED" --out "$WORK/run" --jobs "$JOBS" >&2

REFERENCE=""
if [[ -z "${NO_REFERENCE:-}" && -x "$VENV/bin/python" ]]; then
    CLI="$(ls -d "$VENV"/lib/python3*/site-packages/Pegasus/cli 2>/dev/null | head -1)"
    [[ -n "$CLI" && -f "$CLI/pegasus-statistics.py" ]] && REFERENCE="$VENV/bin/python $CLI"
fi
[[ -z "$REFERENCE" ]] && say "no Pegasus venv at $VENV (see Tests/SkeinProvenanceTests/PegasusToolsTests.swift): reference skipped"

python3 - "$SKEIN" "$WORK/run" "$RUNS" "$JOBS" "$REFERENCE" <<'PY'
import os, subprocess, sys, time, json

skein, run, runs, jobs, reference = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
work = os.path.dirname(run)
failed = False

def measure(cmd, repeats, ok=(0,)):
    """Best wall time (s) and peak RSS (MiB) of `repeats` runs, stdout to /dev/null; then
    one more run into a file, for its size and contents."""
    best, rss = None, 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        t = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {code}")
        best = t if best is None else min(best, t)
        rss = max(rss, usage.ru_maxrss / 1024)
    out = os.path.join(work, "out.txt")
    with open(out, "wb") as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL)
    return best, rss, os.path.getsize(out), open(out, encoding="utf-8", errors="replace").read()

reports = [
    ("status", [], (0,)), ("status", ["--json"], (0,)),
    ("status", ["--jobs"], (0,)), ("status", ["--jobs", "--json"], (0,)),
    ("analyze", [], (2,)), ("analyze", ["--json"], (2,)),
    ("statistics", [], (0,)), ("statistics", ["--json"], (0,)),
    ("statistics", ["--jobs"], (0,)), ("statistics", ["--jobs", "--json"], (0,)),
    ("statistics", ["--jobs", "--format", "csv"], (0,)),
]
print(f"{'report':<40}{'skein s':>9}{'MiB':>7}{'out MB':>8}")
results = {}
for name, args, ok in reports:
    t, rss, size, text = measure([skein, name, run] + args, runs, ok)
    label = " ".join([name] + args)
    results[label] = (t, text)
    print(f"{label:<40}{t:>9.3f}{rss:>7.0f}{size / 1e6:>8.1f}", flush=True)

target = [k for k in results if "--jobs" not in k]
slow = [k for k in target if results[k][0] > 1.0]
slow_all = [k for k in results if results[k][0] > 1.0]
print(f"{'PASS' if not slow else 'FAIL'}: status, analyze and statistics (text and JSON) on {jobs} jobs in "
      f"{max(results[k][0] for k in target):.2f} s at most (target <= 1 s)")
print(f"{'PASS' if not slow_all else 'FAIL'}: with every job listed (--jobs) in {max(r[0] for r in results.values()):.2f} s at most"
      + (f"; over 1 s: {', '.join(slow_all)}" if slow_all else ""))

if reference:
    python, cli = reference.split(" ", 1)
    print(f"\n{'reference (same database, 1 run each)':<40}{'s':>9}{'MiB':>7}{'ratio':>8}")
    refs = [("pegasus-statistics (summary)", ["pegasus-statistics.py"], (0,), "statistics"),
            ("pegasus-statistics -s all", ["pegasus-statistics.py", "-s", "all"], (0,), "statistics --jobs"),
            ("pegasus-analyzer", ["pegasus-analyzer.py"], (2,), "analyze")]
    outputs = {}
    for label, args, ok, ours in refs:
        t, rss, _, text = measure([python, os.path.join(cli, args[0])] + args[1:] + [run], 1, ok)
        outputs[label] = text
        print(f"{label:<40}{t:>9.3f}{rss:>7.0f}{results[ours][0] / t:>8.3f}  (skein {ours}: {results[ours][0]:.3f} s)", flush=True)
    # The numbers must agree: summary table, every row of jobs.txt, the analyzer's counts.
    def rows(text):
        return [l.split() for l in text.splitlines() if l.split()[:1] in (["Tasks"], ["Jobs"], ["Sub-Workflows"])]
    agree_summary = rows(outputs["pegasus-statistics -s all"]) == rows(results["statistics"][1])
    pj = [l.split() for l in open(os.path.join(run, "statistics", "jobs.txt")) if l.strip() and not l.startswith("#")]
    ours = results["statistics --jobs"][1].split("\n# Jobs", 1)[1].splitlines()[1:]
    sj = [l.split() for l in ours if l.strip() and not l.startswith("#")]
    agree_jobs = pj == sj
    def counts(text):
        return [l.split(":")[1].split()[0] for l in text.splitlines() if l.startswith(" Total jobs") or l.startswith(" # jobs")]
    agree_analyzer = counts(outputs["pegasus-analyzer"]) == counts(results["analyze"][1])
    failed_pegasus = {l.strip("=") for l in outputs["pegasus-analyzer"].split("Failed jobs' details", 1)[-1].splitlines() if len(l) == 80 and l.startswith("=")}
    failed_skein = {j["job"] for j in json.loads(results["analyze --json"][1])["failedJobs"]}
    agree_failed = failed_pegasus == failed_skein
    print(f"agreement with Pegasus: summary table {'yes' if agree_summary else 'NO'}, jobs.txt ({len(pj) - 1} rows) "
          f"{'yes' if agree_jobs else 'NO'}, analyzer counts {'yes' if agree_analyzer else 'NO'}, "
          f"failed jobs ({len(failed_skein)}) {'yes' if agree_failed else 'NO'}")
    failed = not (agree_summary and agree_jobs and agree_analyzer and agree_failed)
sys.exit(1 if failed else 0)
PY
