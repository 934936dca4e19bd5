#!/usr/bin/env bash
# Compares did:ethr resolution by chainid (warm event index) with
# ethr-did-resolver 11.1.3 (bench/ethr.mjs) against the same embedded dev
# chain behind a loopback proxy that adds latency to every RPC request, for
# identities with 0, 5 and 50 historical changes, and prints per size the
# latency of each side, the ratio and the JSON-RPC calls per resolution.
# The Go side is bench/ethrbench.
#
# usage: bench/run-ethr.sh [flags]     (from anywhere in the repository)
# flags: -n N          chainid resolutions per DID (default 100)
#        -ref-n N      ethr-did-resolver resolutions per DID and configuration
#                      (default 5)
#        -latency D    added per RPC request (default 20ms)
#        -sizes LIST   historical changes per identity (default 0,5,50)
#        -freshness D  HeadFreshness of the second chainid configuration
#                      (default 1s)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v node >/dev/null || { echo "run-ethr: node is not installed" >&2; exit 1; }
if [[ ! -d bench/node_modules/ethr-did-resolver ]]; then
  (cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

exec go run ./bench/ethrbench -script bench/ethr.mjs "$@"
