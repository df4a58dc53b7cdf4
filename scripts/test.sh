#!/usr/bin/env bash
# Installs what is missing, builds, and runs Skein's whole test suite, including the
# end-to-end tests against a real one-node Slurm cluster that this script starts (under a
# temporary folder) and stops again.
# Usage: scripts/test.sh            (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests

slurm_dir="$(mktemp -d /tmp/skein-test-slurm.XXXXXX)"
stop_slurm() { scripts/slurm/cluster.sh stop "$slurm_dir" >/dev/null 2>&1 || true; }
trap stop_slurm EXIT
if slurm_env="$(scripts/slurm/cluster.sh start "$slurm_dir")"; then
  eval "$slurm_env"
else
  echo "test.sh: the Slurm cluster did not start; the Slurm tests will be skipped" >&2
fi

# The full log is long; when something fails, its last lines name what failed, so whoever
# reads only the end of the output (a CI excerpt) still sees it.
log="$(mktemp /tmp/skein-test-log.XXXXXX)"
status=0
swift test --skip-build 2>&1 | tee "$log" || status=$?
if [[ $status -ne 0 ]]; then
  echo
  echo "test.sh: the tests failed (exit $status). What failed:"
  grep -E "error: |: error|failed \(|Exited with|signal code|Fatal error|fatalError" "$log" | tail -40 || true
  echo "test.sh: full log: $log"
  exit "$status"
fi
rm -f "$log"
