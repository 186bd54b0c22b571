#!/usr/bin/env bash
# `make run`: prepares a checkpoint and synthesises one sentence with chatterboxd. Without a real checkpoint
# (CHATTERBOX_MODEL_DIR), it makes a full-size pattern model first (weights that are a pure function
# of their names: the whole system runs for real, but the audio is noise).
set -euo pipefail
build_dir=${1:-build}
variant=${CHATTERBOX_VARIANT:-original}
data_dir=${CHATTERBOX_DATA_DIR:-$PWD/var}
model_dir=${CHATTERBOX_MODEL_DIR:-$data_dir/models/pattern-$variant}
bin="$build_dir/server/chatterboxd"

if [ ! -f "$model_dir/PATTERN_MODEL.json" ] && [ -z "${CHATTERBOX_MODEL_DIR:-}" ]; then
  "$bin" make-pattern-model --variant "$variant" --out "$model_dir"
else
  echo "using the checkpoint in $model_dir"
  ls -l "$model_dir"
fi

# The network front ends (gRPC, REST) are not built yet: until they are, `make run` proves the
# engine end to end with one offline synthesis in the checkpoint's built-in voice.
out_dir="$data_dir/out"
mkdir -p "$out_dir"
text=${CHATTERBOX_TEXT:-"Hello from chatterboxd. This sentence was synthesised offline."}
"$bin" synth --model-dir "$model_dir" --variant "$variant" --text "$text" \
  --max-new-tokens "${CHATTERBOX_MAX_NEW_TOKENS:-100}" --out "$out_dir/hello.wav"
echo "The network server (gRPC and REST) is not part of this build yet."
