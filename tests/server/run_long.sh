#!/bin/sh
# The long versions of the reliability tests (README.md, Reliability): 32 clients held for 60 s
# and 1,000 requests' memory, on the server tests' pattern nano model. `make reliability-long`.
# Usage: run_long.sh BUILD_DIR
set -eu
build=$(cd "$1" && pwd)
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
sh "$source_dir/tests/server/make_model.sh" "$build/server/chatterboxd" \
  "$build/test-models/server-nano"
export CHATTERBOXD="$build/server/chatterboxd" CHATTERBOX_CLI="$build/clients/chatterbox-cli" \
  CHATTERBOX_LOAD="$build/tools/load/chatterbox-load" CHATTERBOX_PY_STUBS="$build/clients/python" \
  CHATTERBOX_SERVER_MODEL="$build/test-models/server-nano" CHATTERBOX_SOURCE_DIR="$source_dir"
export CHATTERBOX_LOAD_CLIENTS=32 CHATTERBOX_LOAD_SECONDS=60
/usr/bin/python3 "$source_dir/tests/server/load_test.py" LoadTest.test_a_clients_held_for_a_while_over_both_transports
export CHATTERBOX_MEMORY_WARM=100 CHATTERBOX_MEMORY_MORE=900 CHATTERBOX_MEMORY_BOUND=0.03
/usr/bin/python3 "$source_dir/tests/server/memory_test.py"
