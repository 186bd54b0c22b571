#!/bin/sh
# The full-size pattern nano checkpoint the server tests load (its own directory: its built-in
# voice is short), made once per build tree and renamed into place whole.
# Usage: make_model.sh CHATTERBOXD DIR
set -eu
bin=$1
dir=$2
[ -f "$dir/PATTERN_MODEL.json" ] && exit 0
aside="$dir.partial-$$"
mkdir -p "$(dirname "$dir")"
# A 2 s built-in voice: S3Gen decodes the voice's prompt with every request, and the published
# 10 s one made each short request cost ~20 s on a 2-core CPU.
"$bin" make-pattern-model --variant nano --voice-seconds 2 --out "$aside" >/dev/null
mv -T "$aside" "$dir" 2>/dev/null || rm -rf "$aside"
