#!/usr/bin/env bash
# Compares Data Integrity (eddsa-rdfc-2022) credential verifications per
# second: chainid (BenchmarkVerifyFixture in credentials/dataintegrity)
# against @digitalbazaar/vc 7.3.0 with @digitalbazaar/eddsa-rdfc-2022-cryptosuite
# (bench/di.mjs), on the same credential
# (credentials/dataintegrity/testdata/bench-credential.json), measured in one
# run on this machine; prints both rates and the ratio ours/theirs.
#
# The two sides take turns for ROUNDS rounds and the best rate of each side is
# kept, so load from other processes skews the ratio less.
#
# usage: bench/run-di.sh            (from anywhere in the repository)
# env:   BENCHTIME     go -benchtime per round (default 2s)
#        NODE_SECONDS  node seconds per round (default 2)
#        ROUNDS        rounds (default 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-2s}"
node_seconds="${NODE_SECONDS:-2}"
rounds="${ROUNDS:-3}"
fixture="$root/credentials/dataintegrity/testdata/bench-credential.json"

command -v node >/dev/null || { echo "run-di: node is not installed" >&2; exit 1; }
if [[ ! -d bench/node_modules/@digitalbazaar/vc ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/di.test" ./credentials/dataintegrity

best() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }

ours="" theirs=""
for ((r = 1; r <= rounds; r++)); do
  out="$(cd credentials/dataintegrity && "$tmp/di.test" -test.run=NONE -test.bench='^BenchmarkVerifyFixture$' \
    -test.benchtime="$benchtime" -test.count=1)"
  ns="$(awk '$1 ~ /^BenchmarkVerifyFixture(-[0-9]+)?$/ { print $3 }' <<<"$out")"
  [[ -n "$ns" ]] || { echo "run-di: no Go result:" >&2; echo "$out" >&2; exit 1; }
  ours="$(best "$ours" "$(awk -v ns="$ns" 'BEGIN { print 1e9 / ns }')")"

  out="$(cd bench && node di.mjs "$fixture" "$node_seconds")"
  rate="$(sed -nE 's/.*"per_second":([0-9.eE+-]+).*/\1/p' <<<"$out")"
  [[ -n "$rate" ]] || { echo "run-di: no node result:" >&2; echo "$out" >&2; exit 1; }
  theirs="$(best "$theirs" "$rate")"
done

echo "eddsa-rdfc-2022 credential verifications per second, best of $rounds rounds ($(nproc) CPUs, Go $(go env GOVERSION), node $(node --version))"
printf '%-16s %10s %18s %10s\n' "suite" "chainid" "@digitalbazaar/vc" "ratio"
awk -v ours="$ours" -v theirs="$theirs" 'BEGIN {
  printf "%-16s %10.0f %18.0f %9.2fx\n", "eddsa-rdfc-2022", ours, theirs, ours / theirs
}'
