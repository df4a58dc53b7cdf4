#!/usr/bin/env bash
# A real one-node Slurm cluster on localhost, for Skein's tests, benchmarks and demos.
#
#   scripts/slurm/cluster.sh start  DIR   install slurm-wlm + munge if missing, start munged,
#                                         slurmctld and slurmd with everything under DIR, wait
#                                         until the node is idle, print `export SLURM_CONF=...`
#   scripts/slurm/cluster.sh stop   DIR   cancel the cluster's jobs, stop its daemons by pid
#   scripts/slurm/cluster.sh status DIR   print whether it is up (exit 0 up, 3 down)
#   scripts/slurm/cluster.sh env    DIR   print the export line again
#
# Typical use:   eval "$(scripts/slurm/cluster.sh start /tmp/skein-slurm)"
#                sbatch --wrap hostname; squeue
#                scripts/slurm/cluster.sh stop /tmp/skein-slurm
#
# Only the export line goes to stdout; progress and errors go to stderr.  Every config, key,
# socket, state, spool, log and pid file lives under DIR, so several clusters (each on its own
# ports) can coexist.  Runs as root (CI) or through `sudo -n` for the package install only.
#
# Settings (environment, all optional):
#   SKEIN_SLURM_PARTITION      partition name                   (default: debug)
#   SKEIN_SLURM_CPUS           CPUs of the node                 (default: nproc)
#   SKEIN_SLURM_MEMORY_MB      RealMemory of the node in MB      (default: 90% of what slurmd sees)
#   SKEIN_SLURM_PORT           slurmctld port; slurmd uses +1   (default: first free pair from 6817)
#   SKEIN_SLURM_MIN_JOB_AGE    seconds scontrol keeps a finished job (default: 30)
#   SKEIN_SLURM_START_TIMEOUT  seconds to wait for an idle node (default: 60)
#   SKEIN_SLURM_EXTRA_CONF     lines appended to slurm.conf (a later key overrides an earlier one)
set -euo pipefail

PROG=${0##*/}
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

# ---------------------------------------------------------------- paths ---

set_paths() {
  [ -n "${1:-}" ] || usage
  if [ "${2:-}" = create ]; then mkdir -p "$1"; fi
  if [ -d "$1" ]; then DIR=$(cd "$1" && pwd -P); else DIR=$(realpath -m "$1"); fi
  CONF=$DIR/slurm.conf
  RUN=$DIR/run
  LOGD=$DIR/log
  STATE=$DIR/state
  SPOOL=$DIR/spool
  MUNGED=$DIR/munge
  SOCKET=$RUN/munge.socket.2
  JOBCOMP=$LOGD/jobcomp.txt
  # slurmstepd puts sockets like DIR/spool/localhost_1234567.4294967291 in the spool; a Unix
  # socket path has at most 107 bytes.
  if [ $((${#SPOOL} + 30)) -gt 107 ]; then
    die "DIR is too long for Unix socket paths (${#DIR} chars); use a shorter one such as /tmp/skein-slurm"
  fi
}

# ------------------------------------------------------------- packages ---

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

ensure_packages() {
  local missing=() p
  for p in slurm-wlm munge; do pkg_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ] && command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
     && command -v munged >/dev/null && command -v sinfo >/dev/null; then
    return 0
  fi
  [ ${#missing[@]} -gt 0 ] || missing=(slurm-wlm munge)
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing ${missing[*]}; run as root or install sudo"
    as_root=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  local p_
  for p_ in "${missing[@]}"; do
    if ! apt-cache show "$p_" >/dev/null 2>&1; then
      log "apt-get update (package $p_ unknown)"
      "${as_root[@]}" apt-get update -qq </dev/null >&2
      break
    fi
  done
  log "installing ${missing[*]}"
  if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2; then
    log "install failed; apt-get update and retry"
    "${as_root[@]}" apt-get update -qq </dev/null >&2
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
  fi
  # The packages' init scripts may have started a system munged; it is not ours and we do
  # not use it (our munged has its own key and socket under DIR).
}

# -------------------------------------------------------------- daemons ---

# pid of daemon $1 (munged|slurmctld|slurmd) of this DIR if it runs, else nothing
daemon_pid() {
  local name=$1 pidf=$RUN/$1.pid pid
  [ -s "$pidf" ] || return 1
  pid=$(tr -dc '0-9' <"$pidf")
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  is_zombie "$pid" && return 1
  # guard against pid reuse and other clusters: the right program, started for this DIR
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/" || return 1
  echo "$pid"
}

# exited but not yet reaped (PID 1 in this container reaps orphans only now and then)
is_zombie() { [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]; }

node_state() {
  SLURM_CONF=$CONF timeout 10 sinfo -h -N -n localhost -o %T 2>/dev/null | head -n1
}

is_up() {
  daemon_pid munged >/dev/null && daemon_pid slurmctld >/dev/null && daemon_pid slurmd >/dev/null \
    && case "$(node_state)" in idle|mixed|allocated|completing) true ;; *) false ;; esac
}

TRIED_PORTS=" "
port_tried() { [[ "$TRIED_PORTS" == *" $1 "* ]]; }

port_busy() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

choose_port() {
  if [ -n "${SKEIN_SLURM_PORT:-}" ]; then
    echo "$SKEIN_SLURM_PORT"; return
  fi
  local p
  # prefer the port this DIR used last time; skip pairs that failed to bind in this start
  if [ -s "$DIR/port" ]; then
    p=$(cat "$DIR/port")
    if ! port_tried "$p" && ! port_busy "$p" && ! port_busy $((p + 1)); then echo "$p"; return; fi
  fi
  for ((p = 6817; p < 6917; p += 2)); do
    port_tried "$p" && continue
    if ! port_busy "$p" && ! port_busy $((p + 1)); then echo "$p"; return; fi
  done
  die "no free port pair between 6817 and 6917; set SKEIN_SLURM_PORT"
}

# next job id: past every id this DIR's cluster ever handed out, so ids never repeat in the
# jobcomp file although each start clears the controller's state (-c)
next_job_id() {
  local max=0 n f
  for f in "$JOBCOMP" "$STATE/last_job_id"; do
    [ -s "$f" ] || continue
    n=$(grep -o 'JobId=[0-9]*' "$f" 2>/dev/null | cut -d= -f2 | sort -n | tail -n1 || true)
    [ -z "$n" ] && n=$(tr -dc '0-9' <"$f" || true)
    [ -n "$n" ] && [ "$n" -gt "$max" ] && max=$n
  done
  echo $((max + 1))
}

write_config() {
  local cpus mem port min_age part first defmem
  cpus=${SKEIN_SLURM_CPUS:-$(nproc)}
  if [ -n "${SKEIN_SLURM_MEMORY_MB:-}" ]; then
    mem=$SKEIN_SLURM_MEMORY_MB
  else
    mem=$(slurmd -C 2>/dev/null | grep -o 'RealMemory=[0-9]*' | cut -d= -f2 || true)
    [ -n "$mem" ] || mem=$(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo)
    mem=$((mem * 9 / 10))
  fi
  # a job without --mem gets 1 GB per CPU (or its share of the node if that is less)
  defmem=$((mem / cpus)); [ "$defmem" -gt 1024 ] && defmem=1024
  # more CPUs or memory than the machine has (oversubscribing on purpose): slurmd must take
  # the config's word, or the node is drained as "Low socket*core*thread count"
  local overrides="" hw_mem
  hw_mem=$(slurmd -C 2>/dev/null | grep -o 'RealMemory=[0-9]*' | cut -d= -f2 || true)
  if [ "$cpus" -gt "$(nproc)" ] || { [ -n "$hw_mem" ] && [ "$mem" -gt "$hw_mem" ]; }; then
    overrides="SlurmdParameters=config_overrides"$'\n'
  fi
  port=$(choose_port)
  echo "$port" >"$DIR/port"
  min_age=${SKEIN_SLURM_MIN_JOB_AGE:-30}
  part=${SKEIN_SLURM_PARTITION:-debug}
  first=$(next_job_id)

  cat >"$CONF" <<EOF
# Written by scripts/slurm/cluster.sh; rewritten on every start. One node on localhost, every
# file under $DIR.
ClusterName=skein
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
MpiDefault=none
# No cgroups (they would live outside DIR): track job processes through /proc, no binding,
# and so no memory enforcement: --mem only counts in scheduling (CR_Core_Memory).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
# Finished jobs are looked up here (sacct -c reads it too); no slurmdbd.
JobCompType=jobcomp/filetxt
JobCompLoc=$JOBCOMP
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,sched_min_interval=0,bf_interval=1
# With an epilog, slurmd reports each job's end at once and that runs the scheduler: 200 tiny
# jobs take ~9 s instead of ~90 s (without one, a freed CPU waits for the next 1 s cycle).
Epilog=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$defmem
StateSaveLocation=$STATE
SlurmdSpoolDir=$SPOOL
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOGD/slurmctld.log
SlurmdLogFile=$LOGD/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$DIR/plugstack.conf
MailProg=/bin/true
ReturnToService=2
FirstJobId=$first
MinJobAge=$min_age
KillWait=5
SlurmdTimeout=30
InactiveLimit=0
Waittime=0
${overrides}NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=$part Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  if [ -n "${SKEIN_SLURM_EXTRA_CONF:-}" ]; then
    printf '# from SKEIN_SLURM_EXTRA_CONF\n%s\n' "$SKEIN_SLURM_EXTRA_CONF" >>"$CONF"
  fi
  cat >"$DIR/cgroup.conf" <<'EOF'
# Written by scripts/slurm/cluster.sh. Unused: slurm.conf selects proctrack/linuxproc and
# task/none. (proctrack/cgroup would keep its hierarchy in /sys/fs/cgroup/*/slurm_localhost,
# outside DIR and shared by every cluster whose node is "localhost".)
CgroupPlugin=cgroup/v1
ConstrainCores=no
ConstrainRAMSpace=no
EOF
  : >"$DIR/plugstack.conf"
}

start_munged() {
  if daemon_pid munged >/dev/null; then return; fi
  if [ ! -s "$MUNGED/munge.key" ]; then
    log "creating munge key"
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile="$MUNGED/munge.key" --bits=1024
    else
      dd if=/dev/urandom of="$MUNGED/munge.key" bs=1 count=128 status=none
    fi
    chmod 0400 "$MUNGED/munge.key"
  fi
  rm -f "$SOCKET" "$SOCKET.lock" "$RUN/munged.pid"
  (cd "$DIR" && munged --force --key-file="$MUNGED/munge.key" --socket="$SOCKET" \
     --pid-file="$RUN/munged.pid" --log-file="$LOGD/munged.log" \
     --seed-file="$MUNGED/munged.seed" </dev/null >"$LOGD/munged.stderr" 2>&1 8<&- 9>&-) \
    || { cat "$LOGD/munged.stderr" >&2; die "munged did not start"; }
  local i
  for ((i = 0; i < 50; i++)); do
    if munge -n -S "$SOCKET" 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1; then
      echo munged-started >"$RUN/munged.ours"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$LOGD/munged.log" >&2 || true
  die "munged does not answer on $SOCKET"
}

start_slurm() {
  # where this attempt's lines begin, to look for a port clash in them only
  CTLD_LOG_OFF=$(stat -c %s "$LOGD/slurmctld.log" 2>/dev/null || echo 0)
  SLURMD_LOG_OFF=$(stat -c %s "$LOGD/slurmd.log" 2>/dev/null || echo 0)
  if ! daemon_pid slurmctld >/dev/null; then
    rm -f "$RUN/slurmctld.pid"
    # -c: start from a clear state (no jobs left over from an earlier run of this DIR)
    (cd "$DIR" && SLURM_CONF=$CONF "$(command -v slurmctld)" -c -f "$CONF" \
       </dev/null >"$LOGD/slurmctld.stderr" 2>&1 8<&- 9>&-) \
      || { cat "$LOGD/slurmctld.stderr" >&2; die "slurmctld did not start"; }
  fi
  if ! daemon_pid slurmd >/dev/null; then
    rm -f "$RUN/slurmd.pid"
    (cd "$DIR" && SLURM_CONF=$CONF "$(command -v slurmd)" -f "$CONF" -N localhost \
       </dev/null >"$LOGD/slurmd.stderr" 2>&1 8<&- 9>&-) \
      || { cat "$LOGD/slurmd.stderr" >&2; die "slurmd did not start"; }
  fi
}

log_tails() {
  local f
  for f in munged.stderr munged.log slurmctld.stderr slurmctld.log slurmd.stderr slurmd.log; do
    [ -s "$LOGD/$f" ] || continue
    printf -- '--- %s (last 25 lines) ---\n' "$LOGD/$f" >&2
    tail -n 25 "$LOGD/$f" >&2
  done
}

port_clash() {
  { tail -c +$((CTLD_LOG_OFF + 1)) "$LOGD/slurmctld.log"; tail -c +$((SLURMD_LOG_OFF + 1)) "$LOGD/slurmd.log"
    cat "$LOGD/slurmctld.stderr" "$LOGD/slurmd.stderr"; } 2>/dev/null | grep -q 'Address already in use'
}

# 0: node idle; 2: a daemon could not bind its port (another cluster took it); dies otherwise
wait_idle() {
  local timeout=${SKEIN_SLURM_START_TIMEOUT:-60} t0 state="" d
  t0=$SECONDS
  while ((SECONDS - t0 < timeout)); do
    port_clash && return 2
    for d in slurmctld slurmd; do
      # the daemons write their pid files right after forking; give them a moment
      if ((SECONDS - t0 >= 2)) && ! daemon_pid "$d" >/dev/null; then
        sleep 0.2
        port_clash && return 2
        log_tails
        stop_daemons
        die "$d exited during start-up (logs above, all under $LOGD)"
      fi
    done
    if daemon_pid slurmctld >/dev/null; then
      state=$(SLURM_CONF=$CONF timeout 3 sinfo -h -N -n localhost -o %T 2>/dev/null | head -n1 || true)
      [ "$state" = idle ] && return 0
    fi
    sleep 0.2
  done
  log_tails
  stop_daemons
  die "node not idle after ${timeout}s (last state: '${state:-no answer from slurmctld}'); logs above, all under $LOGD"
}

env_line() { echo "export SLURM_CONF=$CONF"; }

# TERM by pid, KILL after $3 seconds (default 10), wait until gone
stop_pid() {
  local name=$1 pid=$2 grace=${3:-10} i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 10; i++)); do
    [ -d "/proc/$pid" ] || return 0
    # exited; PID 1 reaps it later
    is_zombie "$pid" && return 0
    sleep 0.1
  done
  log "$name ($pid) ignored TERM; sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do [ -d "/proc/$pid" ] || return 0; sleep 0.1; done
  log "warning: $name ($pid) still there"
}

# TERM them all, KILL what is left after 5 s (slurmstepd ignores TERM), wait until gone
stop_pids() {
  local pid i alive
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive=""
    for pid in "$@"; do
      [ -d "/proc/$pid" ] && ! is_zombie "$pid" && alive="$alive $pid"
    done
    [ -z "$alive" ] && return 0
    [ "$i" = 50 ] && kill -KILL $alive 2>/dev/null || true
    sleep 0.1
  done
  log "warning: still there:$alive"
}

# leftovers of this cluster's jobs once its daemons are gone: slurmstepd processes and job
# processes carry our SLURM_CONF in their environment (job processes also SLURM_JOB_ID)
leftover_pids() {
  local p env
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$$" ] && continue
    env=$(tr '\0' '\n' 2>/dev/null <"$p/environ") || continue
    grep -qxF "SLURM_CONF=$CONF" <<<"$env" || continue
    if [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || grep -q '^SLURM_JOB_ID=' <<<"$env"; then
      echo "${p#/proc/}"
    fi
  done
}

cancel_jobs() {
  daemon_pid slurmctld >/dev/null || return 0
  local ids max i
  ids=$(SLURM_CONF=$CONF timeout 10 squeue -h -o %A 2>/dev/null || true)
  [ -n "$ids" ] || return 0
  max=$(printf '%s\n' $ids | sort -n | tail -n1)
  echo "$max" >"$STATE/last_job_id"
  log "cancelling $(printf '%s\n' $ids | wc -l) job(s)"
  # shellcheck disable=SC2086
  SLURM_CONF=$CONF timeout 20 scancel $ids 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    # cancelled jobs stay listed (CA) for MinJobAge; done once none is pending, running or ending
    [ -z "$(SLURM_CONF=$CONF timeout 10 squeue -h -o %A -t PD,CF,R,CG,S,RQ,RS,RH,RD 2>/dev/null | head -c1)" ] && break
    sleep 0.2
  done
}

stop_daemons() {
  local d pid p
  cancel_jobs || true
  for d in slurmd slurmctld; do
    if pid=$(daemon_pid "$d"); then
      log "stopping $d ($pid)"
      stop_pid "$d" "$pid"
    fi
    rm -f "$RUN/$d.pid"
  done
  local left
  left=$(leftover_pids)
  if [ -n "$left" ]; then
    log "stopping leftover job processes:" $(for p in $left; do echo "$p($(cat "/proc/$p/comm" 2>/dev/null))"; done)
    stop_pids $left
  fi
  if pid=$(daemon_pid munged); then
    [ -e "$RUN/munged.ours" ] || return 0   # not started by this script: leave it
    log "stopping munged ($pid)"
    stop_pid munged "$pid"
  fi
  rm -f "$RUN/munged.pid" "$RUN/munged.ours" "$SOCKET" "$SOCKET.lock"
}

# ------------------------------------------------------------- commands ---

cmd_start() {
  set_paths "$1" create
  mkdir -p "$RUN" "$LOGD" "$STATE" "$SPOOL" "$MUNGED"
  chmod 0755 "$DIR" "$RUN" "$LOGD"
  chmod 0700 "$MUNGED"
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another start/stop holds $DIR/.lock"
  ensure_packages
  if is_up; then
    log "already up in $DIR"
    env_line
    return 0
  fi
  # half up (a daemon died) or down: begin again from nothing
  stop_daemons
  start_munged
  # One cluster starts at a time on this machine (a lock on the slurmctld binary, so nothing
  # is created outside DIR): two starts never pick the same free ports. A clash with a
  # cluster started some other way is caught from the logs and retried on other ports.
  exec 8<"$(command -v slurmctld)"
  flock -w 300 8 || die "another cluster has been starting for 300 s"
  local attempt rc
  for attempt in 1 2 3 4 5; do
    write_config
    start_slurm
    rc=0; wait_idle || rc=$?
    [ "$rc" = 0 ] && break
    log "port $(cat "$DIR/port") or $(($(cat "$DIR/port") + 1)) is taken; trying other ports"
    TRIED_PORTS="$TRIED_PORTS$(cat "$DIR/port") "
    local d pid
    for d in slurmd slurmctld; do
      # half started (slurmd may be stuck registering with a controller that is not there)
      if pid=$(daemon_pid "$d"); then stop_pid "$d" "$pid" 1 2>/dev/null; fi
      rm -f "$RUN/$d.pid"
    done
    [ -n "${SKEIN_SLURM_PORT:-}" ] && { log_tails; stop_daemons; die "SKEIN_SLURM_PORT=$SKEIN_SLURM_PORT is taken"; }
    [ "$attempt" = 5 ] && { log_tails; stop_daemons; die "no usable ports after 5 tries"; }
  done
  flock -u 8
  exec 8<&-
  env_line >"$DIR/env"
  log "up: $(SLURM_CONF=$CONF sinfo -h -o '%P %D %c CPUs %m MB %T') (port $(cat "$DIR/port"))"
  env_line
}

cmd_stop() {
  set_paths "$1"
  [ -d "$RUN" ] || { log "no cluster in $DIR"; return 0; }
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another start/stop holds $DIR/.lock"
  stop_daemons
  log "stopped"
}

cmd_status() {
  set_paths "$1"
  local d pid up=1
  for d in munged slurmctld slurmd; do
    if pid=$(daemon_pid "$d" 2>/dev/null); then
      echo "$d: running (pid $pid)"
    else
      echo "$d: not running"; up=0
    fi
  done
  if [ "$up" = 1 ] && [ -s "$CONF" ]; then
    local st
    st=$(node_state || true)
    echo "node localhost: ${st:-no answer}"
    case "$st" in idle|mixed|allocated|completing) ;; *) up=0 ;; esac
  fi
  if [ "$up" = 1 ]; then
    echo "up: $(env_line)"
    return 0
  fi
  echo "down"
  return 3
}

cmd_env() {
  set_paths "$1"
  [ -s "$CONF" ] || die "no cluster in $DIR"
  env_line
}

case "${1:-}" in
  start) shift; cmd_start "${1:-}" ;;
  stop) shift; cmd_stop "${1:-}" ;;
  status) shift; cmd_status "${1:-}" ;;
  env) shift; cmd_env "${1:-}" ;;
  -h|--help|help|"") usage ;;
  *) log "unknown command: $1"; usage ;;
esac
