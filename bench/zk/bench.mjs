// bench.mjs times snarkjs on credential.circom: witness calculation, Groth16 proving (zkey in
// memory) and verification, ROUNDS times each after one warm-up, and prints the medians as JSON.
//
// Usage: node bench.mjs WASM ZKEY VKEY INPUT [ROUNDS]
import * as snarkjs from 'snarkjs'
import { readFileSync } from 'node:fs'

const [wasm, zkeyPath, vkeyPath, inputPath, roundsArg] = process.argv.slice(2)
const rounds = Number(roundsArg || 5)
const input = JSON.parse(readFileSync(inputPath, 'utf8'))
const zkey = { type: 'mem', data: readFileSync(zkeyPath) }
const vkey = JSON.parse(readFileSync(vkeyPath, 'utf8'))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6

const witness = [], prove = [], verify = []
for (let i = 0; i <= rounds; i++) {
  let t = process.hrtime.bigint()
  const wtns = { type: 'mem' }
  await snarkjs.wtns.calculate(input, wasm, wtns)
  const w = ms(t)
  t = process.hrtime.bigint()
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, wtns)
  const p = ms(t)
  const vs = []
  for (let j = 0; j < 10; j++) {
    t = process.hrtime.bigint()
    const ok = await snarkjs.groth16.verify(vkey, publicSignals, proof)
    vs.push(ms(t))
    if (!ok) throw new Error('snarkjs proof does not verify')
  }
  if (publicSignals.length !== 70) throw new Error(`${publicSignals.length} public signals, want 70`)
  if (i === 0) continue // warm-up
  witness.push(w); prove.push(p); verify.push(median(vs))
}
process.stdout.write(JSON.stringify({
  witnessMs: median(witness), proveMs: median(prove), verifyMs: median(verify), rounds,
}) + '\n')
process.exit(0)
