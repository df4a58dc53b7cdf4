#!/usr/bin/env bash
# Real servers on 127.0.0.1 for Skein's transfer tests and benchmarks: an HTTP and an HTTPS
# server (Python's threading server, scripts/test-http-server.py; a self-signed certificate
# made at start) and OpenSSH's sshd (scp and sftp) on a free high port, with a generated host
# key and a generated user key that it accepts.
#
#   scripts/test-servers.sh start DIR [http] [https] [ssh]   start them (default: all three),
#                               write DIR/env and print it: the export lines below
#   scripts/test-servers.sh stop  DIR    stop DIR's servers by pid, wait until they are gone
#   scripts/test-servers.sh env   DIR    print the export lines again
#
# Typical use:   eval "$(scripts/test-servers.sh start /tmp/skein-servers)"
#                curl "$SKEIN_TEST_HTTP_URL/some/file"      # a file under $SKEIN_TEST_HTTP_ROOT
#                scripts/test-servers.sh stop /tmp/skein-servers
#
# What start prints (only what was started):
#   SKEIN_TEST_SERVERS_DIR       DIR
#   SKEIN_TEST_HTTP_ROOT         the folder both web servers serve (DIR/www)
#   SKEIN_TEST_HTTP_URL          http://127.0.0.1:PORT
#   SKEIN_TEST_HTTP_LOG          one line per GET the http server received (its path)
#   SKEIN_TEST_HTTPS_URL         https://127.0.0.1:PORT
#   SKEIN_TEST_HTTPS_LOG         the same for the https server
#   SKEIN_TEST_CA_FILE           the certificate https clients must trust
#   SKEIN_TEST_SSH_PORT          sshd's port; user SKEIN_TEST_SSH_USER, absolute paths
#   SKEIN_TEST_SSH_USER          the user that runs this script
#   SKEIN_TEST_SSH_KEY           the user key sshd accepts (ECDSA in PEM form: libssh2 reads it)
#   SKEIN_TEST_SSH_KNOWN_HOSTS   sshd's host key, as a known_hosts file
# A first path segment ending in `-bpsN` (a folder or link under the root) is sent at about
# N bytes/s: a slow large file beside fast small ones from the same server.
#
# With SKEIN_TEST_SERVERS_OWNER=PID, a watchdog stops the servers and removes DIR once
# process PID is gone (a test process that starts its own servers, a test.sh killed with -9):
# give it a DIR of its own.
#
# Only the export lines go to stdout; progress and errors go to stderr. Missing programs
# (python3, openssl, openssh-server, openssh-client) are installed with apt-get, as root or
# through `sudo -n`. Everything lives under DIR; the servers run in their own sessions with
# their output in DIR/log, so the caller may exit while they run.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }

set_dir() {
  [ -n "${1:-}" ] || usage
  mkdir -p "$1"
  DIR=$(cd "$1" && pwd -P)
}

# ------------------------------------------------------------- packages ---

# Arguments: PROGRAM:PACKAGE pairs; installs the packages whose program is not on PATH.
ensure_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}; run as root or install sudo"
    as_root=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  log "installing ${missing[*]}"
  if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2; then
    log "install failed; apt-get update and retry"
    "${as_root[@]}" apt-get update -qq </dev/null >&2
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 \
      || die "could not install ${missing[*]}"
  fi
}

# -------------------------------------------------------------- daemons ---

# whether process $1 runs (exited but not yet reaped counts as gone)
alive() { [ -d "/proc/$1" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; }

# pid of server $1 (http|https|ssh|watch) of this DIR if it runs, else nothing
server_pid() {
  local pidf=$DIR/run/$1.pid pid
  [ -s "$pidf" ] || return 1
  pid=$(tr -dc '0-9' <"$pidf")
  [ -n "$pid" ] && alive "$pid" || return 1
  # guard against pid reuse: a program started for this DIR
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/" || return 1
  echo "$pid"
}

stop_server() {
  local pid i
  pid=$(server_pid "$1") || { rm -f "$DIR/run/$1.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do server_pid "$1" >/dev/null || break; sleep 0.1; done
  if server_pid "$1" >/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$DIR/run/$1.pid"
}

# Starts "$@" in a session of its own, detached from our stdin/stdout/stderr, pid in run/$NAME.pid.
spawn() {
  local name=$1; shift
  setsid "$@" </dev/null >>"$DIR/log/$name.log" 2>&1 9>&- &
  echo $! >"$DIR/run/$name.pid"
}

start_web() {
  local scheme=$1 extra=()
  stop_server "$scheme"
  rm -f "$DIR/run/$scheme.port"
  : >"$DIR/$scheme.requests"
  if [ "$scheme" = https ]; then
    mkdir -p "$DIR/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" -days 7 \
      -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >>"$DIR/log/openssl.log" 2>&1 \
      || die "openssl could not make a certificate (see $DIR/log/openssl.log)"
    extra=(--cert "$DIR/tls/cert.pem" --key "$DIR/tls/key.pem")
  fi
  spawn "$scheme" python3 "$HERE/test-http-server.py" --root "$DIR/www" --port-file "$DIR/run/$scheme.port" \
    --request-log "$DIR/$scheme.requests" "${extra[@]}"
  local i
  for i in $(seq 200); do
    [ -s "$DIR/run/$scheme.port" ] && break
    # (not server_pid: until the exec, the child's command line is still this script's)
    alive "$(cat "$DIR/run/$scheme.pid")" || die "the $scheme server exited at start: $(tail -3 "$DIR/log/$scheme.log")"
    sleep 0.1
  done
  [ -s "$DIR/run/$scheme.port" ] || die "the $scheme server did not start within 20 s"
  local upper=${scheme^^}
  ENV_LINES+=("export SKEIN_TEST_${upper}_URL=$scheme://127.0.0.1:$(cat "$DIR/run/$scheme.port")"
              "export SKEIN_TEST_${upper}_LOG=$DIR/$scheme.requests")
  [ "$scheme" = https ] && ENV_LINES+=("export SKEIN_TEST_CA_FILE=$DIR/tls/cert.pem")
  log "$scheme server on port $(cat "$DIR/run/$scheme.port")"
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

start_ssh() {
  stop_server ssh
  local keys=$DIR/ssh user
  user=$(id -un)
  mkdir -p "$keys"
  rm -f "$keys"/host "$keys"/host.pub "$keys"/user "$keys"/user.pub
  # ECDSA in PEM form: what libssh2 (libcurl's ssh) and OpenSSH 9 both accept.
  ssh-keygen -q -t ecdsa -b 256 -N '' -f "$keys/host" </dev/null >&2
  ssh-keygen -q -t ecdsa -b 256 -m PEM -N '' -f "$keys/user" </dev/null >&2
  cp "$keys/user.pub" "$keys/authorized_keys"
  # sshd insists on its privilege separation folder even when it runs as a plain user.
  [ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || sudo -n mkdir -p /run/sshd 2>/dev/null || true
  local try port="" candidate i
  for try in $(seq 20); do
    candidate=$((20000 + RANDOM % 40000))
    port_open "$candidate" && continue
    cat >"$keys/sshd_config" <<EOF
Port $candidate
ListenAddress 127.0.0.1
HostKey $keys/host
PidFile $DIR/run/sshd.own.pid
AuthorizedKeysFile $keys/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
    spawn ssh "$(command -v sshd)" -D -e -f "$keys/sshd_config"
    for i in $(seq 100); do
      alive "$(cat "$DIR/run/ssh.pid")" || break
      if port_open "$candidate"; then port=$candidate; break 2; fi
      sleep 0.1
    done
    stop_server ssh
  done
  [ -n "$port" ] || die "sshd did not start on a free port (see $DIR/log/ssh.log)"
  echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$keys/host.pub")" >"$keys/known_hosts"
  ENV_LINES+=("export SKEIN_TEST_SSH_PORT=$port" "export SKEIN_TEST_SSH_USER=$user"
              "export SKEIN_TEST_SSH_KEY=$keys/user" "export SKEIN_TEST_SSH_KNOWN_HOSTS=$keys/known_hosts")
  log "sshd on port $port"
}

# ------------------------------------------------------------- commands ---

cmd_start() {
  set_dir "$1"; shift
  local wanted=("$@") packages=() what
  [ ${#wanted[@]} -gt 0 ] || wanted=(http https ssh)
  for what in "${wanted[@]}"; do
    case "$what" in
      http) packages+=(python3:python3) ;;
      https) packages+=(python3:python3 openssl:openssl) ;;
      ssh) packages+=(sshd:openssh-server ssh-keygen:openssh-client) ;;
      *) log "unknown server: $what (http, https or ssh)"; usage ;;
    esac
  done
  ensure_packages "${packages[@]}"
  mkdir -p "$DIR/www" "$DIR/run" "$DIR/log"
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another start/stop holds $DIR/.lock"
  ENV_LINES=("export SKEIN_TEST_SERVERS_DIR=$DIR" "export SKEIN_TEST_HTTP_ROOT=$DIR/www")
  stop_server watch
  # A failed start leaves nothing running.
  trap 'status=$?; [ $status -eq 0 ] || stop_all; exit $status' EXIT
  for what in "${wanted[@]}"; do
    case "$what" in
      http|https) start_web "$what" ;;
      ssh) start_ssh ;;
    esac
  done
  if [ -n "${SKEIN_TEST_SERVERS_OWNER:-}" ]; then
    spawn watch bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"; rm -rf "$3"' \
      watch "$SKEIN_TEST_SERVERS_OWNER" "$HERE/$PROG" "$DIR/"
  fi
  printf '%s\n' "${ENV_LINES[@]}" >"$DIR/env.tmp"
  mv "$DIR/env.tmp" "$DIR/env"
  cat "$DIR/env"
}

# The watchdog last, and not when it is the one stopping (it ends by itself then).
stop_all() {
  local s
  for s in http https ssh; do stop_server "$s"; done
  local watcher
  watcher=$(server_pid watch 2>/dev/null) || true
  # (bash -c execs its last command: the stopping script may be the watchdog itself)
  [ "$watcher" = $$ ] || [ "$watcher" = "$PPID" ] || stop_server watch
}

cmd_stop() {
  set_dir "$1"
  [ -d "$DIR/run" ] || { log "no servers in $DIR"; return 0; }
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another start/stop holds $DIR/.lock"
  stop_all
  rm -f "$DIR/env"
  log "stopped"
}

cmd_env() {
  set_dir "$1"
  [ -s "$DIR/env" ] || die "no servers started in $DIR"
  cat "$DIR/env"
}

case "${1:-}" in
  start) shift; [ $# -ge 1 ] || usage; cmd_start "$@" ;;
  stop) shift; cmd_stop "${1:-}" ;;
  env) shift; cmd_env "${1:-}" ;;
  -h|--help|help|"") usage ;;
  *) log "unknown command: $1"; usage ;;
esac
