# Shared by the benchmark scripts (source it).

# skein_binary ROOT: prints the skein to measure: $SKEIN_BIN when set, else a release build
# in ROOT/.build-bench of skein with the helpers it runs beside it (skein-kickstart for batch
# jobs, skein-spawner for local ones, skein-transfer for transfers on nodes). Build output goes to stderr.
# Built as the README says to install it: release, the Swift runtime and Foundation linked in
# (--static-swift-stdlib), which halves every command's start-up.
skein_binary() {
    if [[ -n "${SKEIN_BIN:-}" ]]; then
        echo "$SKEIN_BIN"
        return
    fi
    local root="$1" product
    printf 'building skein, skein-kickstart, skein-spawner, skein-transfer, skein-rusage (release, --static-swift-stdlib, --scratch-path .build-bench)\n' >&2
    for product in skein skein-kickstart skein-spawner skein-transfer skein-rusage; do
        (cd "$root" && swift build -c release --static-swift-stdlib --scratch-path "$root/.build-bench" --product "$product" >&2) || return 1
    done
    echo "$(cd "$root" && swift build -c release --static-swift-stdlib --scratch-path "$root/.build-bench" --show-bin-path)/skein"
}

# diamond_run ROOT SKEIN TMP: runs a copy of the diamond example (its scratch in TMP too) into
# TMP/runs and prints its run folder: any Skein run gives the stampede schema and a real job.
diamond_run() {
    local root="$1" skein="$2" tmp="$3"
    cp -r "$root/Examples/diamond" "$tmp/diamond"
    rm -rf "$tmp/diamond/work"
    "$skein" run "$tmp/diamond/workflow.yml" --batch --dir "$tmp/runs" > /dev/null || return 1
    echo "$tmp/runs/diamond/run0001"
}

# bench_tempdir: sets TMP to a new temporary folder, removed at exit unless KEEP is set, and
# keeps the runs' registry in it (SKEIN_STATE_DIR), not in the user's.
bench_tempdir() {
    TMP="$(mktemp -d)"
    if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$TMP"' EXIT; else printf 'keeping %s\n' "$TMP" >&2; fi
    export SKEIN_STATE_DIR="$TMP/state"
}
