#!/usr/bin/env bash
# Builds the engine, tools and tests against PyTorch's libtorch (for example with CUDA) rather
# than Debian's. DEPS_PREFIX names a folder into which the other dependencies' Debian packages
# were unpacked (dpkg -x), for machines where they are not installed system-wide.
set -euo pipefail
build_dir=${BUILD_DIR:-build-torch}
prefixes=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
if [ -n "${DEPS_PREFIX:-}" ]; then
  prefixes="$prefixes;$DEPS_PREFIX/usr;$DEPS_PREFIX/usr/lib/x86_64-linux-gnu/cmake;$DEPS_PREFIX/usr/share/cmake"
  for pc in "$DEPS_PREFIX"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc "$DEPS_PREFIX"/usr/share/pkgconfig/*.pc; do
    [ -f "$pc" ] && sed -i "s#^prefix=/usr\$#prefix=$DEPS_PREFIX/usr#" "$pc"
  done
  export PKG_CONFIG_PATH="$DEPS_PREFIX/usr/lib/x86_64-linux-gnu/pkgconfig:$DEPS_PREFIX/usr/share/pkgconfig"
  export LD_LIBRARY_PATH="$DEPS_PREFIX/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefixes" "$@"
cmake --build "$build_dir" -j "$(nproc)"
