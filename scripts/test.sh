#!/usr/bin/env bash
# Installs what is missing, builds, and runs Skein's whole test suite.
# Usage: scripts/test.sh            (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
