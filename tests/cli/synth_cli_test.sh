#!/bin/sh
# `chatterboxd synth` and `make-voice` as a user runs them: a pattern checkpoint, one voice
# conversion in its built-in voice written as a 24 kHz mono WAV, a saved voice that speaks exactly
# as its clip and is refused by other variants, and typed errors (exit 2) for bad requests, found
# before any model loads (those runs name a checkpoint that does not exist: a model load would
# fail on that instead).
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

# A 2 s built-in voice keeps the conversions short (S3Gen decodes the voice's prompt each time).
"$bin" make-pattern-model --variant vc --voice-seconds 2 --out "$dir/vc" >/dev/null
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
  --voice "$dir/voice.safetensors" --out "$dir/from_voice.wav" >"$dir/voice_log.txt" 2>&1
cmp -s "$dir/from_clip.wav" "$dir/from_voice.wav" || fail "the saved voice speaks differently"
grep -q "made for vc" "$dir/voice_log.txt" || { cat "$dir/voice_log.txt" >&2; fail "voice variant not reported"; }

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

# Checked before any model loads ($dir/missing does not exist).
none="$dir/missing"
expect_error "directory $dir/nowhere does not exist" synth --model-dir "$none" --variant vc \
  --source "$clip" --out "$dir/nowhere/x.wav"
expect_error "is a directory" synth --model-dir "$none" --variant vc --source "$clip" --out "$dir"
expect_error "directory $dir/nowhere does not exist" make-voice --model-dir "$none" --variant vc \
  --clip "$clip" --out "$dir/nowhere/v.safetensors"
expect_error "min_p does not apply to turbo" synth --model-dir "$none" --variant turbo --text hi \
  --min-p 0.1 --out "$dir/x.wav"
expect_error "cfg_weight does not apply to nano" synth --model-dir "$none" --variant nano \
  --text hi --cfg-weight 0.5 --out "$dir/x.wav"
expect_error "exaggeration does not apply to turbo" synth --model-dir "$none" --variant turbo \
  --text hi --exaggeration 0.7 --out "$dir/x.wav"
expect_error "exaggeration does not apply to nano" make-voice --model-dir "$none" --variant nano \
  --clip "$clip" --exaggeration 0.7 --out "$dir/v.safetensors"
expect_error "language does not apply to original" synth --model-dir "$none" --variant original \
  --text hi --language fr --out "$dir/x.wav"
expect_error "unsupported language" synth --model-dir "$none" --variant multilingual --text hi \
  --language xx --out "$dir/x.wav"
expect_error "temperature does not apply to vc" synth --model-dir "$none" --variant vc \
  --source "$clip" --temperature 0.5 --out "$dir/x.wav"
expect_error "top_p does not apply to vc" synth --model-dir "$none" --variant vc \
  --source "$clip" --top-p 0.5 --out "$dir/x.wav"
expect_error "text does not apply to vc" synth --model-dir "$none" --variant vc --source "$clip" \
  --text hi --out "$dir/x.wav"
expect_error "source does not apply to original" synth --model-dir "$none" --variant original \
  --text hi --source "$clip" --out "$dir/x.wav"
expect_error "the text is empty" synth --model-dir "$none" --variant original --out "$dir/x.wav"
expect_error "temperature must be" synth --model-dir "$none" --variant original --text hi \
  --temperature 0 --out "$dir/x.wav"
expect_error "top_k" synth --model-dir "$none" --variant turbo --text hi --top-k -1 \
  --out "$dir/x.wav"
expect_error "repetition_penalty" synth --model-dir "$none" --variant original --text hi \
  --repetition-penalty 0 --out "$dir/x.wav"
expect_error "max_new_tokens" synth --model-dir "$none" --variant nano --text hi \
  --max-new-tokens 0 --out "$dir/x.wav"
expect_error "longer than 5 s" synth --model-dir "$none" --variant turbo --text hi --voice "$clip" \
  --out "$dir/x.wav"
expect_error "this voice was made for vc, not for turbo" synth --model-dir "$none" \
  --variant turbo --text hi --voice "$dir/voice.safetensors" --out "$dir/x.wav"
[ ! -e "$dir/x.wav" ] || fail "a failed request wrote its output"
[ -z "$(find "$dir" -name '*.tmp.*')" ] || fail "a failed request left a temporary file"
echo PASS
