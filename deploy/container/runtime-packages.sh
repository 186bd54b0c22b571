#!/usr/bin/env bash
# The Debian packages holding the shared libraries a program loads (ldd's list; a library
# reached through a symlink, such as the libblas.so.3 alternative, counts under its target's
# package), one a line: what a runtime image installs. Fails on a library no package owns.
# Usage: runtime-packages.sh PROGRAM
set -euo pipefail

declare -A owner  # path -> "package[:arch][, package[:arch]]"
# One dpkg call for many paths (each call scans the whole database); lines "PACKAGES: /path".
look_up() {
  local line
  while IFS= read -r line; do
    owner["/${line#*: /}"]=${line%%: /*}
  done < <(dpkg -S "$@" 2>/dev/null || true)
}

mapfile -t libs < <(ldd "$1" | awk '/=> \// {print $3}' | sort -u)
look_up "${libs[@]}"
resolved=()
for lib in "${libs[@]}"; do
  [ -n "${owner[$lib]:-}" ] || resolved+=("$(readlink -f "$lib")")
done
[ ${#resolved[@]} -eq 0 ] || look_up "${resolved[@]}"
for lib in "${resolved[@]}"; do
  [ -n "${owner[$lib]:-}" ] || { echo "runtime-packages.sh: no package owns $lib" >&2; exit 1; }
done
for packages in "${owner[@]}"; do
  tr -s ', ' '\n' <<<"$packages" | cut -d: -f1
done | sort -u
