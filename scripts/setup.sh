#!/usr/bin/env bash
# Installs what dbtrail needs to build, test, demo and benchmark on Debian 12.
# Idempotent: when every package is already installed it touches nothing and
# never calls apt. Runs unattended (CI: root, no stdin). It never starts the
# system MariaDB or sshd: tests run private instances (scripts/sandbox.sh).
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libmariadb-dev libzstd-dev zlib1g-dev libssl-dev libsqlite3-dev libssh-dev libsodium-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  mariadb-server mariadb-client
  clang libclang-rt-14-dev
  openssh-server openssh-client
  hyperfine sysbench sqlite3
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install packages" >&2; exit 1; }
  SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
fi

# Package installs must not start services (a system mariadbd would hold
# port 3306 and /run/mysqld; tests never use it). policy-rc.d exit 101 tells
# invoke-rc.d "do not start"; we add one only if the machine has none and
# remove it afterwards.
POLICY=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e "$POLICY" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  added_policy=1
fi
cleanup() { if ((added_policy)); then "${SUDO[@]}" rm -f "$POLICY"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q </dev/null
"${SUDO[@]}" apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}" </dev/null

echo "setup: done"
