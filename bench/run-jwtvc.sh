#!/usr/bin/env bash
# Compares JWT credential verification: chainid (credentials/jwtvc) against
# did-jwt-vc 4.0.16 on did-jwt 9 (bench/jwtvc.mjs), measured in one run on
# this machine, for EdDSA, ES256 and ES256K did:key issuers, and prints:
#
#   - verifications per second of the VC 1.1 example credential as a
#     jwt_vc_json token, both sides resolving the issuer's did:key on every
#     call (Go: BenchmarkVerifyDIDKey/jwt_vc_json; node: verifyCredential with
#     key-did-resolver), and the ratio ours/theirs;
#   - chainid's verify/raw ratios: BenchmarkVerify (a resolver answering a
#     fixed key, so only the format's own cost) over BenchmarkRawVerify (the
#     bare signature check on the same signing input), for vc+jwt and
#     jwt_vc_json. The target is at most 1.3.
#
# The sides take turns for ROUNDS rounds and each keeps its best, so load from
# other processes skews the ratios less; the verify/raw ratios come from
# SAMPLES short runs per round in which the benchmarks take turns.
#
# usage: bench/run-jwtvc.sh            (from anywhere in the repository)
# env:   BENCHTIME     go -benchtime per benchmark and round (default 1s)
#        NODE_SECONDS  node seconds per algorithm and round (default 2)
#        ROUNDS        rounds (default 3)
#        SAMPLES       verify/raw samples per algorithm and round (default 5)
#        SAMPLE_N      -benchtime of one sample (default 300x)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-1s}"
node_seconds="${NODE_SECONDS:-2}"
rounds="${ROUNDS:-3}"
samples="${SAMPLES:-5}"
sample_n="${SAMPLE_N:-300x}"

command -v node >/dev/null || { echo "run-jwtvc: node is not installed" >&2; exit 1; }
if [[ ! -d bench/node_modules/did-jwt-vc ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/jwtvc.test" ./credentials/jwtvc

# lower keeps the smaller of two ns/op values (an empty first value loses);
# higher keeps the larger of two rates.
lower() { awk -v a="${1:-}" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
higher() { awk -v a="${1:-0}" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
# pattern anchors each level of a benchmark name for -test.bench.
pattern() { sed -E 's#([^/]+)#^\1$#g' <<<"$1"; }
# ns prints the ns/op of benchmark $1 in output $2.
ns() { awk -v t="$1" '$1 == t || index($1, t "-") == 1 { print $3 }' <<<"$2"; }

declare -A didkey verify verify11 raw theirs
algs=(EdDSA ES256 ES256K)
for ((r = 1; r <= rounds; r++)); do
  for alg in "${algs[@]}"; do
    # Throughput against the peer: one benchmark run per round.
    name="BenchmarkVerifyDIDKey/jwt_vc_json/$alg"
    out="$(cd credentials/jwtvc && "$tmp/jwtvc.test" -test.run=NONE -test.benchtime="$benchtime" -test.count=1 \
      -test.bench="$(pattern "$name")")"
    v="$(ns "$name" "$out")"
    [[ -n "$v" ]] || { echo "run-jwtvc: no Go result for $name:" >&2; echo "$out" >&2; exit 1; }
    didkey[$alg]="$(lower "${didkey[$alg]:-}" "$v")"

    # verify/raw: short runs of the three benchmarks taking turns, the
    # fastest of each kept, so that both sides of a ratio see the same load.
    for ((s = 1; s <= samples; s++)); do
      for pair in "verify BenchmarkVerify/$alg" "verify11 BenchmarkVerify/jwt_vc_json/$alg" "raw BenchmarkRawVerify/$alg"; do
        read -r var name <<<"$pair"
        out="$(cd credentials/jwtvc && "$tmp/jwtvc.test" -test.run=NONE -test.benchtime="$sample_n" -test.count=1 \
          -test.bench="$(pattern "$name")")"
        v="$(ns "$name" "$out")"
        [[ -n "$v" ]] || { echo "run-jwtvc: no Go result for $name:" >&2; echo "$out" >&2; exit 1; }
        declare -n slot="$var"
        slot[$alg]="$(lower "${slot[$alg]:-}" "$v")"
        unset -n slot
      done
    done

    out="$(cd bench && node jwtvc.mjs "$node_seconds" "$alg")"
    rate="$(sed -nE 's/.*"per_second":([0-9.eE+-]+).*/\1/p' <<<"$out")"
    [[ -n "$rate" ]] || { echo "run-jwtvc: no node result for $alg:" >&2; echo "$out" >&2; exit 1; }
    theirs[$alg]="$(higher "${theirs[$alg]:-}" "$rate")"
  done
done

echo "JWT credential verification, best of $rounds rounds ($(nproc) CPUs, Go $(go env GOVERSION), node $(node --version))"
echo "verify/s: jwt_vc_json, did:key resolved per call on both sides; verify/raw: fixed key, over the bare signature check"
printf '%-7s %12s %12s %8s %16s %20s\n' "alg" "chainid/s" "did-jwt-vc/s" "ratio" "vc+jwt/raw" "jwt_vc_json/raw"
for alg in "${algs[@]}"; do
  awk -v a="$alg" -v dk="${didkey[$alg]}" -v th="${theirs[$alg]}" -v v="${verify[$alg]}" -v v11="${verify11[$alg]}" -v raw="${raw[$alg]}" 'BEGIN {
    printf "%-7s %12.0f %12.0f %7.1fx %15.2fx %19.2fx\n", a, 1e9 / dk, th, (1e9 / dk) / th, v / raw, v11 / raw
  }'
done
