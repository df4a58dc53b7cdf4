#!/usr/bin/env bash
# Transfers: skein-transfer (SkeinTransfer, libcurl multi in one process) against the curl
# command line on the same files from the same local HTTP server, in one run.
#
#   Benchmarks/transfer.sh                 # release build into .build-bench; ~5-15 minutes
#                                          # (mostly the loop of 1,000 sftp processes)
#   SKEIN_BIN=/path/to/skein Benchmarks/transfer.sh    # skein-transfer is taken beside it
#   RUNS=3 BIG_MIB=1024 SMALL_FILES=1000 SFTP_FILES=1000 Benchmarks/transfer.sh
#
# Files live on a tmpfs (/dev/shm) so neither tool waits on the disk; the server is the tests'
# HTTP server (scripts/test-servers.sh: Python's threading server on 127.0.0.1), the same for
# both tools. Shapes, alternating tools for RUNS (3) rounds, median wall seconds of each:
#   small   SMALL_FILES (1,000) files of 10 KB: skein-transfer with one list (8 at once) vs a
#           loop of one `curl -sS -o` process per file
#   sftp    SFTP_FILES (1,000) of the same files over SFTP from the tests' sshd: skein-transfer
#           with one list (8 at once) vs a loop of one `curl -sS -k --key` process per file
#   big     one file of BIG_MIB (1,024) MiB: skein-transfer vs one `curl -sS -o`
# Targets (issue 10): small and sftp >= 5x faster than the curl loop; big >= 0.9x curl's
# throughput.
# A missed target prints FAIL (exit status unchanged); a failed transfer exits 1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-3}"
SMALL_FILES="${SMALL_FILES:-1000}"
SFTP_FILES="${SFTP_FILES:-1000}"
BIG_MIB="${BIG_MIB:-1024}"
source "$ROOT/Benchmarks/lib.sh"

say() { printf '%s\n' "$*" >&2; }
SKEIN="$(skein_binary "$ROOT")"
XFER="$(dirname "$SKEIN")/skein-transfer"
[[ -x "$XFER" ]] || { say "no skein-transfer beside $SKEIN"; exit 1; }
command -v curl >/dev/null || { say "curl is needed (apt-get install curl)"; exit 1; }

BASE="$(mktemp -d /dev/shm/skein-bench-transfer.XXXXXX 2>/dev/null || mktemp -d)"
# The server is the tests' (scripts/test-servers.sh), started under BASE so it serves from tmpfs.
cleanup() { "$ROOT/scripts/test-servers.sh" stop "$BASE/servers" >/dev/null 2>&1 || true; rm -rf "$BASE"; }
trap cleanup EXIT
eval "$(SKEIN_TEST_SERVERS_OWNER=$$ "$ROOT/scripts/test-servers.sh" start "$BASE/servers" http ssh)"
SERVED="$SKEIN_TEST_HTTP_ROOT"
URL="$SKEIN_TEST_HTTP_URL"
mkdir -p "$SERVED/small"
say "making $SMALL_FILES files of 10 KB and one of $BIG_MIB MiB in $SERVED"
head -c 10240 /dev/urandom > "$BASE/one-small"
for ((i = 0; i < SMALL_FILES || i < SFTP_FILES; i++)); do cp "$BASE/one-small" "$SERVED/small/f$i"; done
SFTP="sftp://$SKEIN_TEST_SSH_USER@127.0.0.1:$SKEIN_TEST_SSH_PORT$SERVED"
head -c $((BIG_MIB * 1024 * 1024)) /dev/zero > "$SERVED/big"

python3 - "$BASE" "$URL" "$SMALL_FILES" "$SFTP" "$SFTP_FILES" <<'PY'
import json, sys
base, url, n, sftp, m = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
def entry(i, server, name, dest):
    return {"type": "transfer", "id": i, "lfn": name, "src_urls": [{"site_label": "web", "url": f"{server}/{name}"}],
            "dest_urls": [{"site_label": "local", "url": f"file://{dest}"}]}
json.dump([entry(i, url, f"small/f{i}", f"{base}/out/small/f{i}") for i in range(n)], open(f"{base}/small.json", "w"))
json.dump([entry(i, sftp, f"small/f{i}", f"{base}/out/small/f{i}") for i in range(m)], open(f"{base}/sftp.json", "w"))
json.dump([entry(0, url, "big", f"{base}/out/big")], open(f"{base}/big.json", "w"))
PY
printf '%s\n' $(seq 0 $((SMALL_FILES - 1))) > "$BASE/indices"
printf '%s\n' $(seq 0 $((SFTP_FILES - 1))) > "$BASE/sftp-indices"

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
curl_small() { mkdir -p "$BASE/out/small"; while read -r i; do curl -sS -o "$BASE/out/small/f$i" "$URL/small/f$i"; done < "$BASE/indices"; }
curl_sftp() {
    mkdir -p "$BASE/out/small"
    while read -r i; do curl -sS -k --key "$SKEIN_TEST_SSH_KEY" --pubkey "$SKEIN_TEST_SSH_KEY.pub" -o "$BASE/out/small/f$i" "$SFTP/small/f$i"; done < "$BASE/sftp-indices"
}
curl_big() { mkdir -p "$BASE/out"; curl -sS -o "$BASE/out/big" "$URL/big"; }
skein_small() { "$XFER" -f "$BASE/small.json" -n 8; }
skein_sftp() { "$XFER" -f "$BASE/sftp.json" -n 8 --ssh-key "$SKEIN_TEST_SSH_KEY" --known-hosts "$SKEIN_TEST_SSH_KNOWN_HOSTS"; }
skein_big() { "$XFER" -f "$BASE/big.json"; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
command -v bc >/dev/null || { say "bc is needed (apt-get install bc)"; exit 1; }

declare -A times
for shape in small sftp big; do
    for ((round = 1; round <= RUNS; round++)); do
        for tool in curl skein; do
            rm -rf "$BASE/out"
            t=$(seconds "${tool}_${shape}")
            times[$shape,$tool]+="$t "
            say "$shape $tool round $round: $t s"
        done
        if [[ "$shape" == small || "$shape" == sftp ]]; then
            want=$SMALL_FILES; [[ "$shape" == sftp ]] && want=$SFTP_FILES
            [[ $(ls "$BASE/out/small" | wc -l) -eq $want ]] || { say "skein-transfer did not move every file"; exit 1; }
        else
            [[ $(stat -c %s "$BASE/out/big") -eq $((BIG_MIB * 1024 * 1024)) ]] || { say "the big file is incomplete"; exit 1; }
        fi
    done
done

printf '\n%-8s %-32s %10s %10s %12s %8s\n' shape what curl skein "skein/curl" target
for shape in small sftp big; do
    c=$(printf '%s\n' ${times[$shape,curl]} | median)
    s=$(printf '%s\n' ${times[$shape,skein]} | median)
    ratio=$(echo "$c / $s" | bc -l)
    case $shape in
        small) what="$SMALL_FILES x 10 KB http (median s)"; target=5 ;;
        sftp) what="$SFTP_FILES x 10 KB sftp (median s)"; target=5 ;;
        big) what="1 x $BIG_MIB MiB http (median s)"; target=0.9 ;;
    esac
    verdict=$(echo "$ratio >= $target" | bc -l)
    printf '%-8s %-32s %10.3f %10.3f %11.2fx %8s %s\n' "$shape" "$what" "$c" "$s" "$ratio" ">= $target" "$([[ $verdict == 1 ]] && echo ok || echo FAIL)"
done
echo "(skein/curl = how many times faster skein-transfer is; throughput ratio for big)"
