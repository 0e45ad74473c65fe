#!/usr/bin/env bash
# Installs every Debian package that ofkit's build, tests, demo and benchmarks
# need. Idempotent: when everything is present it asks dpkg only, touches no
# network and finishes in about a second. Safe to run as root or via sudo.
set -euo pipefail

PACKAGES=(
  # toolchain and build
  build-essential pkg-config cmake meson ninja-build python3 ccache
  clang libclang-rt-14-dev clang-format
  # libraries
  libdpdk-dev dpdk libpcap-dev libtbb-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libcli11-dev libexpected-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
  # test peers, captures and tools
  openvswitch-switch openvswitch-common openvswitch-testcontroller
  openvswitch-switch-dpdk dpdk-dev  # dpdk-dev: dpdk-testpmd, the forwarding-rate ceiling in make bench
  tshark tcpdump python3-scapy python3-dpkt tcpreplay iproute2 procps
  gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, never prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
# Packages with daemons (openvswitch-switch) must not try to start them here:
# our tests start their own instances in private run directories.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null
  $SUDO chmod +x $policy
  created_policy=1
fi
cleanup() { if [[ $created_policy -eq 1 ]]; then $SUDO rm -f $policy; fi; }
trap cleanup EXIT

for attempt in 1 2 3; do
  if $SUDO apt-get update -qq && \
     $SUDO apt-get install -y -qq --no-install-recommends \
       -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
       "${missing[@]}"; then
    echo "install-deps: done"
    exit 0
  fi
  echo "install-deps: apt failed (attempt $attempt), retrying" >&2
  sleep $((attempt * 5))
done
echo "install-deps: could not install: ${missing[*]}" >&2
exit 1
