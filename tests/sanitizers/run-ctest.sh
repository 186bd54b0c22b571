#!/usr/bin/env bash
# Runs ctest in an ASan + UBSan build tree (make sanitize) with the sanitizers' options: any
# report fails the test that produced it; the suppressions beside this script list the known
# reports from third-party libraries, each with its reason. Arguments go to ctest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="suppressions=$here/ubsan.supp:print_stacktrace=1:halt_on_error=1"
exec ctest --output-on-failure "$@"
