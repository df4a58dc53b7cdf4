#!/usr/bin/env bash
# Installs what is missing, builds Skein, and takes a bundled example end to end:
# validate it, show its job tree, and run it (in the foreground), printing where its run
# directory is.
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
# Every executable a run uses: skein, and beside it skein-spawner (starts local jobs) and
# skein-kickstart (wraps batch jobs).
for product in skein skein-spawner skein-kickstart skein-rusage; do swift build --product "$product"; done
skein="$(swift build --show-bin-path)/skein"

echo "== skein validate $workflow"
"$skein" validate "$workflow"
echo
echo "== skein graph $workflow"
"$skein" graph "$workflow" --format text
echo
echo "== skein run $workflow --batch"
status=0
"$skein" run "$workflow" --batch || status=$?
run_dir="$(ls -d "runs/$(sed -n 's/^name: *//p' "$workflow" | head -1)"/run* | tail -1)"
echo
echo "run directory: $run_dir"
echo "(records: $run_dir/jobs/, provenance: $(ls "$run_dir"/*.stampede.db))"
if [ "$name" = failing ]; then
  # This example fails on purpose: exit 1 is what it must do.
  [ "$status" -eq 1 ] && exit 0
fi
exit "$status"
