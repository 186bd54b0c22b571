#!/bin/sh
# Runs one libFuzzer binary for a bounded time: run-fuzzer.sh FUZZER SECONDS MAX_LEN ARTIFACTS
# CORPUS... New inputs go to the first corpus directory (the build tree's), the others (the
# committed seeds) are only read; a crashing input is written to ARTIFACTS and fails the run.
set -eu
fuzzer=$1 seconds=$2 max_len=$3 artifacts=$4
shift 4
mkdir -p "$artifacts" "$1"
# Leaks are checked (libFuzzer's -detect_leaks): a parser that leaks on bad input is a finding,
# except the third-party leaks listed in tests/sanitizers/lsan.supp.
here="$(cd "$(dirname "$0")" && pwd)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_stack_use_after_return=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/../sanitizers/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec "$fuzzer" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2560 -timeout=30 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$@"
