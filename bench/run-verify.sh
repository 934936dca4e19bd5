#!/usr/bin/env bash
# Verification throughput of chainid's pipeline (package verifier) next to
# the peer libraries, on the SAME credentials:
#
#  1. bench/verifybench issues one credential per format with chainid's own
#     issuing code (jwt_vc_json, dc+sd-jwt presented without and with a
#     KB-JWT, ldp_vc eddsa-rdfc-2022) from a fresh did:key issuer into a
#     temporary directory;
#  2. verifybench verifies them with verifier.Verify (GOMAXPROCS=1, one at a
#     time): syntax, issuer key (did:key resolved on every call, key under
#     assertionMethod), signature, trusted issuer, validity, status, schema,
#     and for the KB variant holder binding (nonce, aud, sd_hash, iat age);
#  3. bench/verify-peers.mjs verifies the same files, one at a time, with
#     did-jwt-vc 4.0.16, @sd-jwt/sd-jwt-vc 0.19.0 and @digitalbazaar/vc 7.3.0
#     (eddsa-rdfc-2022), adding the trusted-issuer comparison and the KB-JWT
#     aud/iat checks those libraries leave to their caller.
#
# The credentials carry no status entry and name no schema, because none of
# the peers checks a Bitstring Status List: on our side those two checks pass
# without work. The cost of the status check from the verifier's cache (and of
# a schema) is in the chainid-only rows of part 2, from go test -bench on the
# verifier's test credentials. Part 3 is a bounded loopback load run of
# POST /v1/verify.
#
# usage: bench/run-verify.sh            (from anywhere in the repository)
# env:   SECONDS_PER_FORMAT  measuring time per format and side (default 2)
#        BENCHTIME           go -benchtime of part 2 (default 1s; 0 skips it)
#        LOAD_COUNT          requests of the load run (default 2000; 0 skips it)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
secs="${SECONDS_PER_FORMAT:-2}"
benchtime="${BENCHTIME:-1s}"
load="${LOAD_COUNT:-2000}"

status=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/verifybench" ./bench/verifybench
"$tmp/verifybench" issue "$tmp/creds"

# Format by format, ours then the peer's, so both sides of a row see about
# the same load on a shared machine.
havenode=""
if command -v node >/dev/null && [[ -d bench/node_modules ]]; then
  havenode=1
else
  echo "(node or bench/node_modules missing: run npm ci in bench/ for the peer column)" >&2
fi
ours="" peers=""
for f in jwt_vc_json dc+sd-jwt dc+sd-jwt+kb ldp_vc; do
  ours+="$(GOMAXPROCS=1 "$tmp/verifybench" verify -seconds "$secs" -format "$f" "$tmp/creds")"$'\n'
  if [[ -n "$havenode" ]]; then
    peers+="$(cd bench && node verify-peers.mjs "$tmp/creds" "$secs" "$f")"$'\n'
  fi
done

# field FORMAT KEY JSONLINES: the value of KEY on the line of FORMAT.
field() {
  grep -F "\"format\":\"$1\"" <<<"$3" | sed -nE "s/.*\"$2\":(\"[^\"]*\"|[0-9.eE+-]+).*/\1/p" | tr -d '"' | head -1
}

echo "1. same credentials (issued by chainid, did:key EdDSA), verifications/s on one core ($(nproc) CPUs, Go $(go env GOVERSION)$(command -v node >/dev/null && echo ", node $(node --version)"))"
printf '%-14s %11s %11s %7s   %s\n' "format" "chainid/s" "peer/s" "ratio" "peer"
for f in jwt_vc_json dc+sd-jwt dc+sd-jwt+kb ldp_vc; do
  a="$(field "$f" per_second "$ours")"
  b="$(field "$f" per_second "$peers")"
  lib="$(field "$f" library "$peers")"
  awk -v f="$f" -v a="$a" -v b="$b" -v lib="${lib:--}" 'BEGIN {
    r = (a > 0 && b > 0) ? sprintf("%.1fx", a / b) : "-"
    printf "%-14s %11.0f %11s %7s   %s\n", f, a, (b > 0 ? sprintf("%.0f", b) : "-"), r, lib }'
done
echo "chainid checks per format:"
sed -nE 's/.*"checks":\[([^]]*)\].*"format":"([^"]*)".*/  \2: \1/p' <<<"$ours" | tr -d '"'

if [[ "$benchtime" != "0" ]]; then
  echo
  echo "2. chainid only, verifier test credentials (status entry read from the verifier's cache, schema checked), one core"
  if out="$(go test ./verifier -run NONE -bench 'BenchmarkVerify$' -benchtime "$benchtime" -cpu 1 -count 1 2>&1)"; then
    awk '/^BenchmarkVerify\// { name = $1; sub(/^BenchmarkVerify\//, "", name); printf "  %-26s %9.0f /s\n", name, 1e9 / $3 }' <<<"$out"
  else
    echo "  go test -bench failed:"; tail -n 5 <<<"$out" | sed 's/^/    /'; status=1
  fi
fi

if [[ "$load" != "0" ]]; then
  # Bounded in count (LOAD_COUNT requests) and time (-timeout).
  echo
  echo "3. loopback load run of POST /v1/verify (vc+jwt from a did:key, any issuer, $load requests, 8 clients on $(nproc) CPUs)"
  if out="$(go test ./api -run NONE -bench 'BenchmarkVerifyEndpoint$' -benchtime "${load}x" -count 1 -timeout 180s 2>&1)"; then
    awk '/^BenchmarkVerifyEndpoint/ { printf "  %.0f requests/s (%.0f µs per request)\n", 1e9 / $3, $3 / 1000 }' <<<"$out"
  else
    echo "  load run failed:"; tail -n 5 <<<"$out" | sed 's/^/    /'; status=1
  fi
fi
exit "$status"
