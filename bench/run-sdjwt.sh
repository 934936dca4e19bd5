#!/usr/bin/env bash
# Compares SD-JWT VC verifications per second: chainid (BenchmarkVerify in
# credentials/sdjwt) against @sd-jwt/sd-jwt-vc 0.19.0 (bench/sdjwt.mjs), for
# the same claims and disclosure frame, without and with a Key Binding JWT,
# per algorithm; and chainid's verify cost against one raw signature check
# (BenchmarkRawVerify; with key binding two signatures are checked, so the
# floor is twice the raw cost).
#
# The two sides take turns for ROUNDS rounds and the best rate of each side
# is kept, so load from other processes skews the ratio less.
#
# usage: bench/run-sdjwt.sh            (from anywhere in the repository)
# env:   BENCHTIME     go -benchtime per benchmark and round (default 1s)
#        NODE_SECONDS  node seconds per alg, mode and round (default 2)
#        ROUNDS        rounds (default 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-1s}"
node_seconds="${NODE_SECONDS:-2}"
rounds="${ROUNDS:-3}"

command -v node >/dev/null || { echo "run-sdjwt: node is not installed" >&2; exit 1; }
if [[ ! -d bench/node_modules/@sd-jwt/sd-jwt-vc ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/sdjwt.test" ./credentials/sdjwt

best() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
# gorate NAME OUTPUT: ops per second of benchmark NAME in OUTPUT.
gorate() {
  awk -v t="$1" '$1 == t || index($1, t "-") == 1 { print 1e9 / $3 }' <<<"$2"
}

declare -A ours theirs raw
algs=(EdDSA ES256 ES256K)
for ((r = 1; r <= rounds; r++)); do
  for alg in "${algs[@]}"; do
    out="$(cd credentials/sdjwt && "$tmp/sdjwt.test" -test.run=NONE \
      -test.bench="^Benchmark(Verify|RawVerify)\$/^${alg}\$" -test.benchtime="$benchtime" -test.count=1)"
    for kb in false true; do
      name="BenchmarkVerify/$alg"; [[ $kb == true ]] && name="$name/KB"
      rate="$(gorate "$name" "$out")"
      [[ -n "$rate" ]] || { echo "run-sdjwt: no Go result for $name:" >&2; echo "$out" >&2; exit 1; }
      ours[$alg/$kb]="$(best "${ours[$alg/$kb]:-}" "$rate")"
    done
    rate="$(gorate "BenchmarkRawVerify/$alg" "$out")"
    raw[$alg]="$(best "${raw[$alg]:-}" "$rate")"

    out="$(cd bench && node sdjwt.mjs "$node_seconds" "$alg")"
    for kb in false true; do
      rate="$(grep "\"kb\":$kb" <<<"$out" | sed -nE 's/.*"per_second":([0-9.eE+-]+).*/\1/p')"
      [[ -n "$rate" ]] || { echo "run-sdjwt: no node result for $alg kb=$kb:" >&2; echo "$out" >&2; exit 1; }
      theirs[$alg/$kb]="$(best "${theirs[$alg/$kb]:-}" "$rate")"
    done
  done
done

echo "SD-JWT VC verifications per second, best of $rounds rounds ($(nproc) CPUs, Go $(go env GOVERSION), node $(node --version))"
printf '%-7s %-4s %12s %16s %9s %16s\n' alg KB chainid "@sd-jwt/sd-jwt-vc" "ours/peer" "cost/raw-sigs"
for alg in "${algs[@]}"; do
  for kb in false true; do
    awk -v a="$alg" -v kb="$kb" -v ours="${ours[$alg/$kb]}" -v theirs="${theirs[$alg/$kb]}" -v raw="${raw[$alg]}" 'BEGIN {
      sigs = (kb == "true") ? 2 : 1
      printf "%-7s %-4s %12.0f %16.0f %8.1fx %15.2fx\n", a, (kb == "true" ? "yes" : "no"), ours, theirs, ours / theirs, (raw / sigs) / ours
    }'
  done
done
