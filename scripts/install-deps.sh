#!/usr/bin/env bash
# Installs the Debian packages Skein's build and tests need, only when missing.
# Runs apt-get directly as root, through sudo otherwise. Safe to run repeatedly.
set -euo pipefail

packages=(
  libncursesw5-dev   # TUI (ncursesw)
  libsqlite3-dev     # provenance databases
  libyaml-dev        # Pegasus YAML reading
  libcurl4-openssl-dev  # data transfers
  pkg-config         # SwiftPM finds the C libraries through it
  python3            # transfer tests: the HTTP/HTTPS test server (scripts/test-http-server.py)
  python3-yaml       # tests compare Skein's YAML with PyYAML's reading of it
  tmux               # end-to-end tests of the TUI (send-keys, capture-pane)
  openssh-server     # transfer tests: a real sshd for scp and sftp (scripts/test-servers.sh)
  openssh-client     # ssh-keygen for the test server's keys
  openssl            # transfer tests: a self-signed certificate for the https server
  podman             # jobs in containers (transformations with `container:`), and their tests
  runc               # podman's OCI runtime where crun cannot run (cgroup v1 or hybrid hosts)
  catatonit          # the init `podman run --init` puts at pid 1 of a job's container (a Recommends of podman, which --no-install-recommends skips)
)

# podman's defaults assume systemd, cgroup v2 and the right to raise limits. On machines
# without them (CI containers, VMs booted without systemd) every `podman run` fails with
# "setrlimit RLIMIT_NOFILE: Operation not permitted" or "cgroups in hybrid mode not
# supported". Skein then writes /etc/containers/containers.conf (only when there is none,
# or it is the one Skein wrote) with: ulimits no higher than this machine's hard limits
# (podman caps its own nproc at kernel.pid_max), runc on cgroup v1/hybrid hosts, the
# cgroupfs manager and a file event log without systemd.
configure_podman() {
  command -v podman >/dev/null 2>&1 || return 0
  local conf=/etc/containers/containers.conf marker="# written by Skein's scripts/install-deps.sh"
  if [ -e "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "install-deps: keeping $conf (not Skein's)"
    return 0
  fi
  local nofile nproc pidmax runtime=crun manager=systemd events=journald
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu); pidmax=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ]; then nproc=$pidmax; fi
  if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then runtime=runc; fi
  if [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ]; then manager=cgroupfs; events=file; fi
  local text
  text=$(printf '%s\n[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "%s"\ncgroup_manager = "%s"\nevents_logger = "%s"\n' \
    "$marker" "$nofile" "$nofile" "$nproc" "$nproc" "$runtime" "$manager" "$events")
  if [ -e "$conf" ] && [ "$(cat "$conf")" = "$text" ]; then return 0; fi
  echo "install-deps: writing $conf (runtime $runtime, cgroups $manager, ulimits nofile=$nofile nproc=$nproc)"
  printf '%s\n' "$text" | "${as_root[@]}" tee "$conf" >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
elif [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
else
  as_root=()
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
configure_podman
