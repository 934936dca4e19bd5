#!/usr/bin/env bash
# run-zk.sh: zero-knowledge credential proofs, chainid (gnark Groth16, package zkp) against the
# equivalent circom statement proved with snarkjs (bench/zk), measured in one run on this machine.
# Prints proving (snarkjs: witness + prove), verification and constraint counts, the ratios, and the
# constraint count of each gadget next to circomlib's.
#
# Cached in ZK_CACHE (default bench/zk/.cache, not committed): the 2^14 powers-of-tau file (snarkjs
# takes minutes to prepare it), the compiled circuit and its zkey (keyed by the circom sources).
# Tuning: GO_BENCHTIME (default 20x), ROUNDS (snarkjs rounds, default 5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
zk=$here/zk
root=$(cd "$here/.." && pwd)
cache=${ZK_CACHE:-$zk/.cache}
mkdir -p "$cache"
cd "$zk"
[ -d node_modules/snarkjs ] || npm ci --no-audit --no-fund
snarkjs=$zk/node_modules/.bin/snarkjs
circom=$zk/node_modules/.bin/circom2

# One powers-of-tau file for circuits up to 2^14 constraints (single contribution: a benchmark,
# not a production ceremony).
ptau=$cache/pot14_final.ptau
if [ ! -f "$ptau" ]; then
  echo "generating $ptau (several minutes, once)" >&2
  "$snarkjs" powersoftau new bn128 14 "$cache/pot14_0000.ptau" >/dev/null
  "$snarkjs" powersoftau contribute "$cache/pot14_0000.ptau" "$cache/pot14_0001.ptau" \
    --name=chainid-bench -e="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null
  "$snarkjs" powersoftau prepare phase2 "$cache/pot14_0001.ptau" "$ptau.tmp" >/dev/null
  mv "$ptau.tmp" "$ptau"
  rm -f "$cache/pot14_0000.ptau" "$cache/pot14_0001.ptau"
fi

key=$(cat credential.circom circuits/lib.circom gadgets/*.circom | sha256sum | cut -c1-16)
build=$cache/build-$key
mkdir -p "$build"
if [ ! -f "$build/credential.zkey" ]; then
  echo "compiling credential.circom and its zkey (once per source change)" >&2
  "$circom" credential.circom --r1cs --wasm --O2 -o "$build" | grep -i constraints >&2
  "$snarkjs" groth16 setup "$build/credential.r1cs" "$ptau" "$build/credential.zkey.tmp" >/dev/null
  "$snarkjs" zkey export verificationkey "$build/credential.zkey.tmp" "$build/verification_key.json" >/dev/null
  mv "$build/credential.zkey.tmp" "$build/credential.zkey"
fi
if [ ! -f "$build/gadgets.txt" ]; then
  for g in gadgets/*.circom; do
    name=$(basename "$g" .circom)
    "$circom" "$g" --r1cs --O2 -o "$build" >/dev/null
    n=$("$snarkjs" r1cs info "$build/$name.r1cs" | sed -n 's/.*# of Constraints: \([0-9]*\).*/\1/p')
    printf '%s\t%s\n' "$name" "$n"
  done >"$build/gadgets.txt.tmp"
  mv "$build/gadgets.txt.tmp" "$build/gadgets.txt"
fi
circom_constraints=$("$snarkjs" r1cs info "$build/credential.r1cs" | sed -n 's/.*# of Constraints: \([0-9]*\).*/\1/p')

node inputs.mjs >"$build/input.json"

echo "gnark (go test -bench, zkp) ..." >&2
gobench=$(cd "$root" && go test -run '^$' -bench '^Benchmark(Prove|Verify|ColdProve)$' \
  -benchtime "${GO_BENCHTIME:-20x}" -count 1 ./zkp)
ns() { echo "$gobench" | awk -v b="$1" '$1 ~ "^"b"(-[0-9]+)?$" {print $3}'; }
prove_ns=$(ns BenchmarkProve)
verify_ns=$(ns BenchmarkVerify)
cold_ns=$(ns BenchmarkColdProve)
verify_cpu=$(echo "$gobench" | awk '$1 ~ /^BenchmarkVerify(-[0-9]+)?$/ {print $5}')

echo "snarkjs ..." >&2
js=$(node bench.mjs "$build/credential_js/credential.wasm" "$build/credential.zkey" \
  "$build/verification_key.json" "$build/input.json" "${ROUNDS:-5}")
field() { echo "$js" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)['$1']))"; }
w_ms=$(field witnessMs)
p_ms=$(field proveMs)
v_ms=$(field verifyMs)
gnark_constraints=$(sed -n 's/^constraints \([0-9]*\)/\1/p' "$root/zkp/testdata/constraints.golden")

awk -v pn="$prove_ns" -v vn="$verify_ns" -v cn="$cold_ns" -v vc="$verify_cpu" \
  -v w="$w_ms" -v p="$p_ms" -v v="$v_ms" -v gc="$gnark_constraints" -v cc="$circom_constraints" 'BEGIN {
  gp = pn / 1e6; gv = vn / 1e6
  printf "%-34s %12s %12s %8s\n", "", "chainid", "snarkjs", "ratio"
  printf "%-34s %12d %12d\n", "constraints", gc, cc
  printf "%-34s %9.1f ms %9.1f ms %7.1fx\n", "prove (snarkjs: witness + prove)", gp, w + p, (w + p) / gp
  printf "%-34s %12s %9.1f ms\n", "  of which witness", "", w
  printf "%-34s %9.3f ms %9.3f ms %7.1fx\n", "verify", gv, v, v / gv
  printf "%-34s %9.3f ms\n", "verify, CPU time", vc / 1e6
  printf "%-34s %9.1f ms\n", "cold process to first proof", cn / 1e6
}'
echo
printf '%-52s %8s   %-30s %8s\n' "gnark gadget (zkp/testdata/gadgets.golden)" "R1CS" "circomlib equivalent" "R1CS"
c() { awk -v k="$1" '$1 == k {print $2}' "$build/gadgets.txt"; }
while IFS=$'\t' read -r name n; do
  case "$name" in
    EdDSA*) peer="EdDSAPoseidonVerifier"; m=$(c eddsa) ;;
    credential*) peer="Poseidon(2)+Poseidon(16)+Poseidon(8)"; m=$(c message) ;;
    status*) peer="17 x Poseidon(2) + selects"; m=$(c status) ;;
    predicate*) peer="same logic, circomlib Num2Bits"; m=$(c predicate) ;;
    validity*) peer="4 x Num2Bits(64)"; m=$(c validity) ;;
    nullifier*) peer="Poseidon(3)"; m=$(c nullifier) ;;
    Poseidon2*) peer="Poseidon(2)"; m=$(c poseidon2) ;;
    *) peer="(inline)"; m="" ;;
  esac
  printf '%-52s %8s   %-30s %8s\n' "$name" "$n" "$peer" "$m"
done <"$root/zkp/testdata/gadgets.golden"
