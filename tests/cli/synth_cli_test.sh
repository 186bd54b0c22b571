#!/bin/sh
# `chatterboxd synth` and `make-voice` as a user runs them: a pattern checkpoint, one voice
# conversion in its built-in voice written as a 24 kHz mono WAV, a saved voice that speaks exactly
# as its clip, and typed errors (exit 2) for bad requests.
# Usage: synth_cli_test.sh CHATTERBOXD SHARED_DIR
set -eu
bin=$1
# $CHATTERBOX_SHARED_DIR overrides the configured folder, as for the other tests.
clip=${CHATTERBOX_SHARED_DIR:-$2}/audio/BAC009S0764W0121.wav
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs chatterboxd, expecting exit 2 and `pattern` in its error output.
expect_error() {
  pattern=$1
  shift
  status=0
  "$bin" --threads 1 "$@" >"$dir/out.txt" 2>&1 || status=$?
  [ "$status" = 2 ] || { cat "$dir/out.txt" >&2; fail "exit $status for: $*"; }
  grep -q -- "$pattern" "$dir/out.txt" || { cat "$dir/out.txt" >&2; fail "no '$pattern' for: $*"; }
  echo "ok: error '$pattern' for: $*"
}

"$bin" make-pattern-model --variant vc --out "$dir/vc" >/dev/null
"$bin" --threads 1 synth --model-dir "$dir/vc" --variant vc --source "$clip" --seed 1 \
  --out "$dir/converted.wav" >"$dir/log.txt" || { cat "$dir/log.txt" >&2; fail "synth"; }
grep -q "wrote $dir/converted.wav" "$dir/log.txt" || fail "no summary line"
[ "$(head -c 4 "$dir/converted.wav")" = "RIFF" ] || fail "not a WAV file"
rate=$(od -An -tu4 -j24 -N4 "$dir/converted.wav" | tr -d ' ')
channels=$(od -An -tu2 -j22 -N2 "$dir/converted.wav" | tr -d ' ')
[ "$rate" = 24000 ] || fail "sample rate $rate"
[ "$channels" = 1 ] || fail "$channels channels"
# 4.2 s of source speech: 105 tokens, 960 samples each, 16-bit.
bytes=$(wc -c <"$dir/converted.wav")
[ "$bytes" -gt $((100 * 960 * 2)) ] || fail "only $bytes bytes"

# A voice saved once speaks exactly as the clip it was made from.
"$bin" --threads 1 make-voice --model-dir "$dir/vc" --variant vc --clip "$clip" \
  --out "$dir/voice.safetensors" | grep -q "wrote $dir/voice.safetensors" || fail "make-voice"
"$bin" --threads 1 synth --model-dir "$dir/vc" --variant vc --source "$clip" --seed 1 \
  --voice "$clip" --out "$dir/from_clip.wav" >/dev/null
"$bin" --threads 1 synth --model-dir "$dir/vc" --variant vc --source "$clip" --seed 1 \
  --voice "$dir/voice.safetensors" --out "$dir/from_voice.wav" >/dev/null
cmp -s "$dir/from_clip.wav" "$dir/from_voice.wav" || fail "the saved voice speaks differently"

expect_error "source" synth --model-dir "$dir/vc" --variant vc --out "$dir/x.wav"
expect_error "does not exist" synth --model-dir "$dir/missing" --variant vc --source "$clip" --out "$dir/x.wav"
expect_error "variant" synth --model-dir "$dir/vc" --variant klingon --text hi --out "$dir/x.wav"
expect_error "device" synth --model-dir "$dir/vc" --variant vc --source "$clip" --device gpu \
  --out "$dir/x.wav"
mkdir "$dir/empty"
expect_error "s3gen" synth --model-dir "$dir/empty" --variant vc --source "$clip" --out "$dir/x.wav"
printf 'not audio at all' >"$dir/fake.wav"
expect_error "not audio" synth --model-dir "$dir/vc" --variant vc --source "$dir/fake.wav" \
  --out "$dir/x.wav"
expect_error ".safetensors" make-voice --model-dir "$dir/vc" --variant vc --clip "$clip" \
  --out "$dir/x.wav"
[ ! -e "$dir/x.wav" ] || fail "a failed request wrote its output"
echo PASS
