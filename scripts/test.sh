#!/usr/bin/env bash
# Installs what is missing, builds, and runs Skein's whole test suite, including the
# end-to-end tests against a real one-node Slurm cluster and real HTTP, HTTPS and OpenSSH
# servers (scripts/test-servers.sh) that this script starts (under temporary folders) and
# stops again, on success, failure or Ctrl-C.
# Usage: scripts/test.sh            (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests

slurm_dir="$(mktemp -d /tmp/skein-test-slurm.XXXXXX)"
servers_dir="$(mktemp -d /tmp/skein-test-servers.XXXXXX)"
stop_servers() {
  scripts/slurm/cluster.sh stop "$slurm_dir" >/dev/null 2>&1 || true
  scripts/test-servers.sh stop "$servers_dir" >/dev/null 2>&1 || true
  rm -rf "$servers_dir"
}
trap stop_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The transfer tests' servers; a watchdog stops them should this script be killed outright.
if servers_env="$(SKEIN_TEST_SERVERS_OWNER=$$ scripts/test-servers.sh start "$servers_dir")"; then
  eval "$servers_env"
elif [[ "${CI:-}" == true || "${CI:-}" == 1 ]]; then
  echo "test.sh: the HTTP/HTTPS/OpenSSH test servers did not start (see above); under CI that is a failure" >&2
  exit 1
else
  echo "test.sh: the test servers did not start; the transfer tests will try their own, else be skipped" >&2
fi
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
