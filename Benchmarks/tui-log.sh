#!/usr/bin/env bash
# The TUI's log viewer on a 1 GB log: how long it takes to open, to count every line, to go
# to line 1, and to search the whole file, and how fast keys answer meanwhile.
#
#   Benchmarks/tui-log.sh                  # release build into .build-bench; ~1 minute after it
#   SKEIN_BIN=/path/to/skein Benchmarks/tui-log.sh
#   SIZE_MB=4096 KEEP=1 Benchmarks/tui-log.sh   # another size; keep the temp folder
#
# A copy of the diamond example is run (so the log belongs to a real job of a real run),
# then its `analyze` job's stdout is replaced by SIZE_MB (1024) MiB of numbered ~104-byte
# lines whose last line alone holds NEEDLE-ON-THE-LAST-LINE. `skein tui --benchmark-log`
# (hidden) then runs the real TUI loop (TUIApplication with its data queue, line indexing
# and background search) on an in-memory 160x48 terminal, typing keys from another thread
# and timing the frames: / analyze Enter Enter (the job), then
#   open    `o` until the log's last line is drawn;
#   count   `o` until every line is counted (the header shows the total), pressing j/k every
#           20 ms meanwhile and timing each key until its frame is drawn;
#   g       `g` until line 1 of the file is drawn;
#   search  `/NEEDLE-ON-THE-LAST-LINE` Enter (from line 1: every byte is read) until the match
#           is drawn with its line number, pressing j/k every 20 ms meanwhile.
# References on the same file, same page cache: `wc -l` (counting lines) and
# `grep -n -i -F NEEDLE` (searching), with the ratios skein/reference.
#
# Targets (issue 14): opens in <= 0.5 s, the search finishes in <= 3 s, every key answers in
# <= 50 ms meanwhile. The file was just written, so it is in the page cache (as a log being
# looked at usually is). A missed target prints FAIL; the exit status is 1 only if a step fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE_MB="${SIZE_MB:-1024}"
NEEDLE="NEEDLE-ON-THE-LAST-LINE"
say() { printf '%s\n' "$*" >&2; }

source "$ROOT/Benchmarks/lib.sh"
SKEIN_BIN="$(skein_binary "$ROOT")"

bench_tempdir

DIAMOND="$(diamond_run "$ROOT" "$SKEIN_BIN" "$TMP")"
RUN="$DIAMOND"
LOG="$RUN/jobs/000/analyze.stdout.000"
[[ -f "$LOG" ]] || { say "no $LOG"; exit 1; }

LINES=$(( SIZE_MB * 1048576 / 104 ))
say "writing $SIZE_MB MiB ($LINES lines) to $LOG"
seq -f 'line %.0f of the benchmark log: the quick brown fox jumps over the lazy dog, 0123456789 abcdefghijklmnop' 1 "$LINES" > "$LOG"
echo "line $((LINES + 1)): the end, $NEEDLE" >> "$LOG"

now() { date +%s.%N; }
# References, twice each (the first warms the cache further), the best kept.
best_wc=999; best_grep=999
for _ in 1 2; do
    t0=$(now); wc -l "$LOG" > /dev/null; t1=$(now)
    best_wc=$(python3 -c "print(min($best_wc, $t1 - $t0))")
    t0=$(now); grep -n -i -F "$NEEDLE" "$LOG" > /dev/null; t1=$(now)
    best_grep=$(python3 -c "print(min($best_grep, $t1 - $t0))")
done

OUT="$("$SKEIN_BIN" tui "$RUN" --benchmark-log "$LOG" --benchmark-job analyze --benchmark-needle "$NEEDLE")"
printf '%s\n' "$OUT" | tee "$TMP/report.txt"
python3 - "$best_wc" "$best_grep" "$TMP/report.txt" <<'PY'
import re, sys
wc, grep = float(sys.argv[1]), float(sys.argv[2])
text = open(sys.argv[3]).read()
def ms(label):
    m = re.search(re.escape(label) + r"\s+([0-9.]+) ms", text)
    return float(m.group(1)) / 1000 if m else None
count, search = ms("count every line (o until the total)"), ms("search the whole file (Enter to match)")
print(f"reference: wc -l {wc * 1000:.1f} ms, grep -n -i -F {grep * 1000:.1f} ms (best of 2, same file)")
if count: print(f"ratio: counting lines skein/wc -l x{count / wc:.2f} (skein's includes drawing and the keys pressed meanwhile)")
if search: print(f"ratio: searching skein/grep x{search / grep:.2f} (skein's includes loading the match's part and drawing it)")
PY
