#!/bin/bash
# Producer A/B on a shared, noisy machine: runs `ldh-link pseudonymise` of two builds in alternation on
# the same input (1 M synthetic DSN rows by default), with LDH_TIMINGS=1, and prints per run the wall time,
# the phase times and the CPU of all threads. Each round runs OTHER, this tree, this tree, OTHER (ABBA),
# so that a steady drift of the machine's speed cancels within a round. Compare run for run.
#
#   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npm run build)
#   npm run build && bench/producer-ab.sh /tmp/base [rounds] [synth-dir]
#
# The input and keys are those of `npm run bench:producer -- --rows 1000000` (run it once first).
set -euo pipefail
other=${1:?usage: bench/producer-ab.sh OTHER_TREE [rounds] [synth-dir]}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
data=$here/.bench-data/producer
input=$data/${3:-synth-434783}
out=$data/ab-out
for _ in $(seq 1 "$rounds"); do
  for tree in "$other" "$here" "$here" "$other"; do
    rm -rf "$out"
    start=$(date +%s.%N)
    log=$(LDH_TIMINGS=1 node "$tree/dist/cli/main.js" pseudonymise --source dsn --input "$input/dsn.csv" \
      --mapping "$input/dsn.mapping.json" --linkage-key "$data/k.hex" \
      --signing-key "$data/keys/dsn-signing-key.json" --out "$out" --no-progress 2>&1)
    end=$(date +%s.%N)
    phases=$(echo "$log" | grep -E '^phase (input|rows|publish) ' | awk '{print $2 "=" $3 "/" $4}' | tr '\n' ' ')
    printf '%s wall=%.2fs %sload=%s\n' "$tree" "$(echo "$end - $start" | bc)" "$phases" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
rm -rf "$out"
