#!/usr/bin/env bash
# `make run`: prepares a checkpoint and runs one offline synthesis with chatterboxd. Without a real
# checkpoint (CHATTERBOX_MODEL_DIR), it makes a full-size pattern model first (weights that are a
# pure function of their names: the whole system runs for real, but the audio is noise).
#   CHATTERBOX_VARIANT   original (default), multilingual, turbo, nano or vc
#   CHATTERBOX_TEXT      the sentence to speak (text variants)
#   CHATTERBOX_SOURCE    the speech to convert (vc; default: a clip of the shared folder's audio/)
#   CHATTERBOX_SHARED_DIR  the shared folder (default: ../shared beside the checkout)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-build}
variant=${CHATTERBOX_VARIANT:-original}
data_dir=${CHATTERBOX_DATA_DIR:-$PWD/var}
model_dir=${CHATTERBOX_MODEL_DIR:-$data_dir/models/pattern-$variant}
bin="$build_dir/server/chatterboxd"

# vc converts speech: find it before writing a model.
case "$variant" in
  vc | voice-conversion)
    shared_dir=${CHATTERBOX_SHARED_DIR:-$root/../shared}
    source=${CHATTERBOX_SOURCE:-$shared_dir/audio/BAC009S0764W0122.wav}
    if [ ! -f "$source" ]; then
      echo "run.sh: vc converts speech, and there is none at $source: set CHATTERBOX_SOURCE to a" \
        "speech clip, or CHATTERBOX_SHARED_DIR to the shared folder (with audio/)" >&2
      exit 1
    fi
    ;;
esac

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
case "$variant" in
  vc | voice-conversion)
    "$bin" synth --model-dir "$model_dir" --variant "$variant" --source "$source" \
      --out "$out_dir/converted.wav"
    ;;
  *)
    text=${CHATTERBOX_TEXT:-"Hello from chatterboxd. This sentence was synthesised offline."}
    "$bin" synth --model-dir "$model_dir" --variant "$variant" --text "$text" \
      --max-new-tokens "${CHATTERBOX_MAX_NEW_TOKENS:-100}" --out "$out_dir/hello.wav"
    ;;
esac
echo "The network server (gRPC and REST) is not part of this build yet."
