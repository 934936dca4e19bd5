#!/usr/bin/env bash
# Compares did:key resolutions per second: chainid (BenchmarkResolve in
# did/key) against key-did-resolver (bench/didkey.mjs), measured in one run on
# this machine, and prints both rates and the ratio ours/theirs.
#
# The two sides take turns per key type for ROUNDS rounds and the best rate
# of each side is kept, so load from other processes skews the ratio less.
#
# usage: bench/run-didkey.sh            (from anywhere in the repository)
# env:   BENCHTIME     go -benchtime per key type and round (default 1s)
#        NODE_SECONDS  node seconds per key type and round (default 1)
#        ROUNDS        rounds (default 3)
#        DIDS          distinct DIDs per key type on the node side (default
#                      256, the count the Go benchmark uses)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-1s}"
node_seconds="${NODE_SECONDS:-1}"
rounds="${ROUNDS:-3}"
dids="${DIDS:-256}"

command -v node >/dev/null || { echo "run-didkey: node is not installed" >&2; exit 1; }
if [[ ! -d bench/node_modules/key-did-resolver ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/key.test" ./did/key

# best keeps the larger of two rates (an empty first value loses).
best() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }

declare -A ours theirs
types=(Ed25519 P-256 secp256k1)
for ((r = 1; r <= rounds; r++)); do
  for type in "${types[@]}"; do
    out="$(cd did/key && "$tmp/key.test" -test.run=NONE -test.bench="^BenchmarkResolve\$/^${type}\$" \
      -test.benchtime="$benchtime" -test.count=1)"
    ns="$(awk -v t="BenchmarkResolve/$type" '$1 == t || index($1, t "-") == 1 { print $3 }' <<<"$out")"
    [[ -n "$ns" ]] || { echo "run-didkey: no Go result for $type:" >&2; echo "$out" >&2; exit 1; }
    ours[$type]="$(best "${ours[$type]:-}" "$(awk -v ns="$ns" 'BEGIN { print 1e9 / ns }')")"

    out="$(cd bench && node didkey.mjs "$dids" "$node_seconds" "$type")"
    rate="$(sed -nE 's/.*"per_second":([0-9.eE+-]+).*/\1/p' <<<"$out")"
    [[ -n "$rate" ]] || { echo "run-didkey: no node result for $type:" >&2; echo "$out" >&2; exit 1; }
    theirs[$type]="$(best "${theirs[$type]:-}" "$rate")"
  done
done

echo "did:key resolutions per second, best of $rounds rounds ($(nproc) CPUs, Go $(go env GOVERSION), node $(node --version))"
printf '%-10s %14s %18s %10s\n' "key type" "chainid" "key-did-resolver" "ratio"
for type in "${types[@]}"; do
  awk -v t="$type" -v ours="${ours[$type]}" -v theirs="${theirs[$type]}" 'BEGIN {
    printf "%-10s %14.0f %18.0f %9.1fx\n", t, ours, theirs, ours / theirs
  }'
done
