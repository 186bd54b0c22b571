#!/bin/sh
# chatterboxd's REST API with curl: a one-shot WAV, a WAV streamed as it is made, and the
# OpenAI speech stream as Server-Sent Events.
# Usage: curl.sh [BASE_URL] [OUT_DIR]   (defaults: http://127.0.0.1:8000, .)
# $CHATTERBOX_API_KEY is sent as a Bearer token when set; $CHATTERBOX_MAX_NEW_TOKENS bounds the
# speech (default 40 tokens, 1.6 s) so that the example stays quick on a CPU.
set -eu
base=${1:-http://127.0.0.1:8000}
out=${2:-.}
tokens=${CHATTERBOX_MAX_NEW_TOKENS:-40}
auth="X-Client: chatterbox-curl-example"
[ -n "${CHATTERBOX_API_KEY:-}" ] && auth="Authorization: Bearer $CHATTERBOX_API_KEY"
mkdir -p "$out"

# 1. One shot: the whole file with exact sizes (native endpoint, stream false).
curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' \
  -d "{\"text\": \"Hello from chatterboxd.\", \"format\": \"wav\", \"seed\": 1, \"max_new_tokens\": $tokens}" \
  -o "$out/one_shot.wav" "$base/v1/tts"
echo "one-shot: $out/one_shot.wav ($(wc -c <"$out/one_shot.wav") bytes)"

# 2. Streamed: OpenAI's endpoint sends chunked audio as the engine makes it (--no-buffer
#    writes each piece as it arrives).
curl -sS --fail-with-body --no-buffer -H "$auth" -H 'Content-Type: application/json' \
  -d "{\"model\": \"tts-1\", \"input\": \"Streaming, chunk by chunk.\", \"voice\": \"alloy\", \"response_format\": \"wav\", \"seed\": 1, \"max_new_tokens\": $tokens}" \
  -o "$out/streamed.wav" "$base/v1/audio/speech"
echo "streamed: $out/streamed.wav ($(wc -c <"$out/streamed.wav") bytes)"

# 3. Server-Sent Events: speech.audio.delta events with base64 audio, then speech.audio.done.
curl -sS --fail-with-body --no-buffer -H "$auth" -H 'Content-Type: application/json' \
  -d "{\"model\": \"tts-1\", \"input\": \"Events too.\", \"voice\": \"alloy\", \"response_format\": \"pcm\", \"stream_format\": \"sse\", \"seed\": 1, \"max_new_tokens\": $tokens}" \
  "$base/v1/audio/speech" >"$out/events.sse"
deltas=$(grep -c '"speech.audio.delta"' "$out/events.sse" || true)
grep -q '"speech.audio.done"' "$out/events.sse" || { echo "no speech.audio.done event" >&2; exit 1; }
echo "sse: $deltas audio deltas, then: $(grep '"speech.audio.done"' "$out/events.sse" | cut -c7-)"
