#!/usr/bin/env bash
# `make run`: prepares a checkpoint and starts `chatterboxd serve` on it (REST on
# $CHATTERBOX_HTTP_LISTEN, default 127.0.0.1:8000; gRPC on $CHATTERBOX_GRPC_LISTEN, default
# 127.0.0.1:50051). Without a real checkpoint (CHATTERBOX_MODEL_DIR), it makes a full-size
# pattern model first (weights that are a pure function of their names: the whole system runs
# for real, but the audio is noise). CHATTERBOX_VARIANT picks the variant (default nano).
# Usage: run.sh [BUILD_DIR] [extra serve flags...]
set -euo pipefail
build_dir=${1:-build}
shift || true
variant=${CHATTERBOX_VARIANT:-nano}
data_dir=${CHATTERBOX_DATA_DIR:-$PWD/var}
model_dir=${CHATTERBOX_MODEL_DIR:-$data_dir/models/$variant}
bin="$build_dir/server/chatterboxd"

if [ ! -f "$model_dir/PATTERN_MODEL.json" ] && [ -z "${CHATTERBOX_MODEL_DIR:-}" ]; then
  "$bin" make-pattern-model --variant "$variant" --out "$model_dir"
else
  echo "using the checkpoint in $model_dir"
fi

if [ "$variant" = vc ]; then
  # Voice conversion takes speech, not text: one offline conversion in the built-in voice.
  out_dir="$data_dir/out"
  mkdir -p "$out_dir"
  text=${CHATTERBOX_TEXT:-"Hello from chatterboxd. This sentence was synthesised offline."}
  exec "$bin" synth --model-dir "$model_dir" --variant "$variant" --text "$text" \
    --max-new-tokens "${CHATTERBOX_MAX_NEW_TOKENS:-100}" --out "$out_dir/hello.wav"
fi

# OpenMP threads that sleep when idle (spinning ones starve everything else on a shared or small
# machine), and OpenBLAS's kernel named where its CPU detection falls back to the generic one
# (it ran sgemm on the Prescott kernel on an AVX-512 Xeon it did not know).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  if grep -qm1 ' avx512f' /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qm1 ' avx2' /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi

http_listen=${CHATTERBOX_HTTP_LISTEN:-127.0.0.1:8000}
grpc_listen=${CHATTERBOX_GRPC_LISTEN:-127.0.0.1:50051}
auth=""
[ -n "${CHATTERBOX_API_KEY:-}" ] && auth=" -H 'Authorization: Bearer \$CHATTERBOX_API_KEY'"
cat <<MSG

chatterboxd serve: REST on http://$http_listen, gRPC on $grpc_listen (Ctrl-C stops it).
Once /ready answers 200 (the model loads and warms up first), write a WAV with:

  curl -sS$auth -H 'Content-Type: application/json' \\
    -d '{"model": "$variant", "input": "Hello from chatterboxd.", "voice": "alloy", "response_format": "wav"}' \\
    -o hello.wav http://$http_listen/v1/audio/speech

More: clients/examples/curl.sh http://$http_listen, GET /health, /metrics, chatterbox-cli.
MSG
if [ -f "$model_dir/PATTERN_MODEL.json" ]; then
  echo "NOTE: $model_dir is a pattern model: its weights are patterns, so its audio is noise."
fi
echo
threads=()
[ -n "${CHATTERBOX_THREADS:-}" ] && threads=(--threads "$CHATTERBOX_THREADS")
exec "$bin" "${threads[@]}" serve --model-dir "$model_dir" --variant "$variant" \
  --device "${CHATTERBOX_DEVICE:-auto}" --voice-dir "${CHATTERBOX_VOICE_DIR:-$data_dir/voices}" \
  --http-listen "$http_listen" --grpc-listen "$grpc_listen" "$@"
