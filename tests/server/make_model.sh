#!/bin/sh
# The full-size pattern nano checkpoint the server tests load, made once per build tree
# (beside the other tests' pattern models) and renamed into place whole.
# Usage: make_model.sh CHATTERBOXD DIR
set -eu
bin=$1
dir=$2
[ -f "$dir/PATTERN_MODEL.json" ] && exit 0
aside="$dir.partial-$$"
mkdir -p "$(dirname "$dir")"
"$bin" make-pattern-model --variant nano --out "$aside" >/dev/null
mv -T "$aside" "$dir" 2>/dev/null || rm -rf "$aside"
