#!/usr/bin/env bash
# Install every build and test dependency of gnbd from Debian packages.
# Idempotent and non-interactive; fast (no apt-get at all) when everything is present.
# --no-install-recommends matters: libuhd-dev would otherwise pull in all of GNU Radio.
set -euo pipefail

PKGS=(
  build-essential pkg-config
  libzmq3-dev libconfig-dev check libsubunit-dev libfftw3-dev libsystemd-dev libcjson-dev
  libusrsctp-dev libsctp-dev libssl-dev
  libuhd-dev libsoapysdr-dev soapysdr-tools
  tshark clang libclang-rt-14-dev llvm
  systemd procps
  iproute2 iputils-ping iperf3
  man-db groff-base
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
