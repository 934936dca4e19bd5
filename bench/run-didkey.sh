#!/usr/bin/env bash
# Compares did:key resolutions per second: chainid (go test -bench
# BenchmarkResolve in did/key) against key-did-resolver (bench/didkey.mjs),
# measured in one run on this machine, and prints both rates and the ratio.
#
# usage: bench/run-didkey.sh            (from anywhere in the repository)
# env:   BENCHTIME  go -benchtime per key type (default 2s)
#        NODE_SECONDS  seconds per key type for the node side (default 2)
#        DIDS  distinct DIDs per key type on the node side (default 256,
#              the same count the Go benchmark uses)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-2s}"
node_seconds="${NODE_SECONDS:-2}"
dids="${DIDS:-256}"

command -v node >/dev/null || { echo "run-didkey: node is not installed" >&2; exit 1; }
if [ ! -d bench/node_modules/key-did-resolver ]; then
  (cd bench && npm ci --silent >/dev/null)
fi

go_out="$(go test -run=NONE -bench='^BenchmarkResolve$/^(Ed25519|P-256|secp256k1)$' \
  -benchtime="$benchtime" -count=1 ./did/key)"
node_out="$(cd bench && node didkey.mjs "$dids" "$node_seconds")"

echo "did:key resolutions per second ($(nproc) CPUs; Go benchtime $benchtime, node ${node_seconds}s per type)"
printf '%-10s %14s %18s %10s\n' "key type" "chainid" "key-did-resolver" "ratio"
for type in Ed25519 P-256 secp256k1; do
  ns="$(awk -v t="BenchmarkResolve/$type-" 'index($1, t) == 1 { print $3 }' <<<"$go_out")"
  theirs="$(grep "\"type\":\"$type\"" <<<"$node_out" | sed -E 's/.*"per_second":([0-9.eE+-]+).*/\1/')"
  if [ -z "$ns" ] || [ -z "$theirs" ]; then
    echo "run-didkey: no result for $type" >&2
    echo "$go_out" >&2
    echo "$node_out" >&2
    exit 1
  fi
  awk -v t="$type" -v ns="$ns" -v theirs="$theirs" 'BEGIN {
    ours = 1e9 / ns
    printf "%-10s %14.0f %18.0f %9.1fx\n", t, ours, theirs, ours / theirs
  }'
done
