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

swift test --skip-build
