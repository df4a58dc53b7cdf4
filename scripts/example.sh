#!/usr/bin/env bash
# Installs what is missing, builds Skein, and takes a bundled example end to end:
# validate it, then print its plan (the job tree, level by level).
# Usage: scripts/example.sh [NAME]   NAME is a folder of Examples/ (default: diamond)
set -euo pipefail
cd "$(dirname "$0")/.."

name="${1:-diamond}"
workflow="Examples/$name/workflow.yml"
if [ ! -f "$workflow" ]; then
  echo "example.sh: no example '$name'; choose one of: $(ls Examples | grep -v README | tr '\n' ' ')" >&2
  exit 2
fi

scripts/install-deps.sh
swift build --product skein
skein="$(swift build --show-bin-path)/skein"

echo "== skein validate $workflow"
"$skein" validate "$workflow"
echo
echo "== skein graph $workflow"
"$skein" graph "$workflow" --format text
