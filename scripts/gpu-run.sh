#!/usr/bin/env bash
# On the GPU machine, from the checkout root: unpack the carried dependencies, build into
# /tmp/bt, then run each argument as a shell command. Carry .gpu (deps.tar.xz, unpack.sh,
# shared/goldens, shared/audio) and, for ref_bench, .ref (the reference Python).
#
#   bash scripts/gpu-run.sh 'CMD' ['CMD' ...]
#     CMAKE_ARGS  extra cmake arguments for the build (word-split)
#     SKIP_BUILD=1 reuse /tmp/bt as it is (it lasts while the machine stays warm)
#   In the commands: $BT is the build dir, LD_LIBRARY_PATH is set,
#   CHATTERBOX_SHARED_DIR=$PWD/.gpu/shared, and
#     ref_bench OUTDIR DEVICE VARIANTS...   reference timing (NTOK, REPS, THREADS from the env)
# Example:
#   bash scripts/gpu-run.sh '$BT/bench/chatterbox-bench ...' 'NTOK=50 ref_bench $OUT/ref cuda base turbo'
set -uo pipefail
[ -f /tmp/deps/env.sh ] || bash .gpu/unpack.sh /tmp/deps || exit 1
# shellcheck source=/dev/null
. /tmp/deps/env.sh
export BT=/tmp/bt
if [ -z "${SKIP_BUILD:-}" ]; then
  # nproc obeys OMP_NUM_THREADS: never let it shrink the build
  # shellcheck disable=SC2086  # CMAKE_ARGS is meant to be word-split
  env -u OMP_NUM_THREADS BUILD_DIR="$BT" bash scripts/build-with-pytorch.sh ${CMAKE_ARGS:-} || exit 1
fi
export CHATTERBOX_SHARED_DIR=$PWD/.gpu/shared

# shellcheck disable=SC2317  # called from the eval'd commands
ref_bench() {
  REF_AUDIO_DIR=$PWD/.gpu/shared/audio NTOK=${NTOK:-250} REPS=${REPS:-3} \
    PYTHONPATH=$PWD/.ref${PYTHONPATH:+:$PYTHONPATH} python3 .ref/bench_reference.py "$@"
}

status=0
for cmd in "$@"; do
  echo "+ $cmd"
  eval "$cmd" || { rc=$?; echo "!! exit $rc: $cmd"; status=1; }
done
exit $status
