#!/usr/bin/env bash
# Verification throughput of chainid's one pipeline (package verifier: format
# detection plus every check — issuer key through the resolver, signature,
# trust, validity, status from the verifier's cache, schema, holder binding)
# per format, next to the peers' own verification of the same kind of
# credential (bench/jwtvc.mjs: did-jwt-vc; bench/sdjwt.mjs: @sd-jwt/sd-jwt-vc;
# bench/di.mjs: @digitalbazaar/vc eddsa-rdfc-2022). Both sides run one
# verification at a time, so the numbers are verifications per second per
# core. The peers do fewer checks (no status list, no schema, no trust
# policy), so the comparison favours them.
#
# usage: bench/run-verify.sh            (from anywhere in the repository)
# env:   BENCHTIME     go -benchtime per format (default 2s)
#        NODE_SECONDS  node seconds per peer run (default 2)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
benchtime="${BENCHTIME:-2s}"
node_seconds="${NODE_SECONDS:-2}"

out="$(go test ./verifier -run NONE -bench 'BenchmarkVerify$' -benchtime "$benchtime" -count 1)"
# rate prints verifications/s of benchmark sub-name $1.
rate() { awk -v t="BenchmarkVerify/$1" 'index($1, t "-") == 1 { printf "%.0f", 1e9 / $3 }' <<<"$out"; }

peer() { # $1: script and args; prints the first per_second value
  if ! command -v node >/dev/null || [[ ! -d bench/node_modules ]]; then echo "-"; return; fi
  (cd bench && node $1 2>/dev/null) | sed -nE 's/.*"per_second":([0-9.eE+-]+).*/\1/p' | head -1 | awk '{ printf "%.0f", $1 }'
}

echo "verifications/s per core ($(nproc) CPUs, Go $(go env GOVERSION)$(command -v node >/dev/null && echo ", node $(node --version)"))"
printf '%-24s %12s   %s\n' "format" "chainid/s" "peer/s"
printf '%-24s %12s   %s\n' "jwt_vc_json EdDSA" "$(rate jwt_vc_json)" "$(peer "jwtvc.mjs $node_seconds EdDSA") (did-jwt-vc)"
printf '%-24s %12s   %s\n' "vc+jwt EdDSA" "$(rate vc+jwt)" "-"
printf '%-24s %12s   %s\n' "dc+sd-jwt EdDSA" "$(rate dc+sd-jwt)" "$(peer "sdjwt.mjs $node_seconds EdDSA") (@sd-jwt/sd-jwt-vc)"
printf '%-24s %12s   %s\n' "dc+sd-jwt+kb EdDSA" "$(rate dc+sd-jwt+kb)" "-"
printf '%-24s %12s   %s\n' "ldp_vc eddsa-rdfc-2022" "$(rate ldp_vc_eddsa-rdfc-2022)" "$(peer "di.mjs ../credentials/dataintegrity/testdata/bench-credential.json $node_seconds") (@digitalbazaar/vc)"
printf '%-24s %12s   %s\n' "ldp_vc eddsa-jcs-2022" "$(rate ldp_vc_eddsa-jcs-2022)" "-"
printf '%-24s %12s   %s\n' "ldp_vc ecdsa-rdfc-2019" "$(rate ldp_vc_ecdsa-rdfc-2019)" "-"
printf '%-24s %12s   %s\n' "vp+jwt (1 credential)" "$(rate vp+jwt)" "-"
printf '%-24s %12s   %s\n' "ldp_vp (1 credential)" "$(rate ldp_vp)" "-"

# Loopback load run of POST /v1/verify: bounded count, parallel clients.
echo
go test ./api -run NONE -bench 'BenchmarkVerifyEndpoint' -benchtime "${LOAD_COUNT:-2000}x" -count 1 | grep -E '^Benchmark' || true
