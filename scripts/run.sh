#!/usr/bin/env bash
# `make run`: starts chatterboxd on its embedded default. Without a real checkpoint
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
