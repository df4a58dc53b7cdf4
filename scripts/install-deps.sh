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
  python3-yaml       # tests compare Skein's YAML with PyYAML's reading of it
  tmux               # end-to-end tests of the TUI (send-keys, capture-pane)
  openssh-server     # transfer tests: a real sshd for scp and sftp, started by the tests
  openssh-client     # ssh-keygen for the test server's keys
  openssl            # transfer tests: a self-signed certificate for the https server
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
