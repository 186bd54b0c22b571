#!/usr/bin/env bash
# Installs every Debian package chatterboxd needs to build, test and run.
# Idempotent and quiet when everything is already there. Run as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config git
  libtorch-dev libopenblas0-pthread
  libspdlog-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libsndfile1-dev libvorbis-dev libogg-dev libsoxr-dev libicu-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libcpp-httplib-dev libsystemd-dev
  curl python3 python3-grpcio python3-protobuf
  chromium
  clang libclang-rt-14-dev clang-format
  systemd groff-base man-db python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
