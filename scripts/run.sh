#!/usr/bin/env bash
# `make run`: prepares a checkpoint and starts `chatterboxd serve` on it (REST on
# $CHATTERBOX_HTTP_LISTEN, default 127.0.0.1:8000; gRPC on $CHATTERBOX_GRPC_LISTEN, default
# 127.0.0.1:50051). Without a real checkpoint (CHATTERBOX_MODEL_DIR), it makes a full-size
# pattern model first (weights that are a pure function of their names: the whole system runs
# for real, but the audio is noise).
#   CHATTERBOX_VARIANT   nano (default), original, multilingual, turbo, or vc (voice conversion
#                        takes speech, not text: one offline conversion instead of a server)
#   CHATTERBOX_SOURCE    the speech to convert (vc; default: a clip of the shared folder's audio/)
#   CHATTERBOX_SHARED_DIR  the shared folder (default: ../shared beside the checkout)
# Usage: run.sh [BUILD_DIR] [extra serve flags...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-build}
shift || true
variant=${CHATTERBOX_VARIANT:-nano}
data_dir=${CHATTERBOX_DATA_DIR:-$PWD/var}
model_dir=${CHATTERBOX_MODEL_DIR:-$data_dir/models/$variant}
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
  # A 3 s built-in voice rather than the published 10 s: S3Gen decodes the voice's prompt with
  # every request, and this keeps a short request to a few seconds on a 2-core CPU.
  "$bin" make-pattern-model --variant "$variant" --voice-seconds 3 --out "$model_dir"
else
  echo "using the checkpoint in $model_dir"
fi

case "$variant" in
  vc | voice-conversion)
    # Voice conversion takes speech, not text: one offline conversion in the built-in voice.
    out_dir="$data_dir/out"
    mkdir -p "$out_dir"
    exec "$bin" synth --model-dir "$model_dir" --variant "$variant" --source "$source" \
      --out "$out_dir/converted.wav"
    ;;
esac

# OpenMP threads that sleep when idle (spinning ones starve everything else on a shared or small
# machine).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}

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
