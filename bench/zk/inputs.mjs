// inputs.mjs writes a valid input for credential.circom to stdout: a BabyJubJub EdDSA-Poseidon
// signature (circomlibjs) over a credential with 16 attributes, a depth-17 status tree with the
// credential's neighbours revoked, and the same request as zkp's test fixture (age ≥ 18,
// birth date ≤ 2007-06-01, country in {DE, NL, FR}; country and level disclosed).
import { buildPoseidon, buildEddsa } from 'circomlibjs'
import { randomBytes } from 'node:crypto'

const poseidon = await buildPoseidon()
const eddsa = await buildEddsa()
const F = poseidon.F
const H = (xs) => F.toObject(poseidon(xs))
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n
const rand = () => BigInt('0x' + randomBytes(32).toString('hex')) % R
const str = (s) => H([4n, BigInt('0x' + Buffer.from(s).toString('hex'))]) // strings hashed to the field
const day = (y, m, d) => BigInt(Date.UTC(y, m - 1, d) / 86400000) + (1n << 63n)
const int = (v) => BigInt(v) + (1n << 63n) // offset signed 64-bit, like zkp.EncodeInteger
const depth = 17

const attrs = new Array(16).fill(0n)
attrs[0] = int(30)
attrs[1] = day(1994, 5, 17)
attrs[2] = str('NL')
attrs[3] = 1n
attrs[4] = 2n
attrs[5] = int(-5)
const schema = str('https://example.org/schemas/member/v1')
const secret = rand()
const commitment = H([1n, secret])
const index = 1234n
const issuedAt = int(Date.UTC(2024, 0, 1) / 1000)
const expiresAt = int(Date.UTC(2030, 0, 1) / 1000)
const now = int(Date.UTC(2025, 5, 1, 12) / 1000)
const m1 = H([2n, schema, ...attrs.slice(0, 14)])
const msg = H([m1, attrs[14], attrs[15], commitment, index, issuedAt, expiresAt, 0n])

const prv = randomBytes(32)
const pub = eddsa.prv2pub(prv)
const sig = eddsa.signPoseidon(prv, F.e(msg))
if (!eddsa.verifyPoseidon(F.e(msg), sig, pub)) throw new Error('signature does not verify')

// Sparse status tree: leaves are the raw bits; empty subtrees hash to zero[k].
const zero = [0n]
for (let k = 0; k < depth; k++) zero.push(H([zero[k], zero[k]]))
let level = new Map([[index - 1n, 1n], [index + 1n, 1n], [99999n, 1n]])
const path = []
let cur = index
for (let k = 0; k < depth; k++) {
  path.push(level.get(cur ^ 1n) ?? zero[k])
  const next = new Map()
  for (const key of level.keys()) {
    const p = key >> 1n
    if (next.has(p)) continue
    next.set(p, H([level.get(p * 2n) ?? zero[k], level.get(p * 2n + 1n) ?? zero[k]]))
  }
  level = next
  cur >>= 1n
}
const root = level.get(0n)

const scope = str('https://shop.example')
const pred = [
  { attr: 0n, op: 6n, operands: [int(18)] }, // ge
  { attr: 1n, op: 4n, operands: [day(2007, 6, 1)] }, // le
  { attr: 2n, op: 8n, operands: [str('DE'), str('NL'), str('FR')] }, // in
  { attr: 0n, op: 0n, operands: [] },
]
const operands = pred.map((p) => {
  const o = new Array(8).fill(0n)
  p.operands.forEach((v, i) => { o[i] = v })
  if (p.op === 8n || p.op === 9n) for (let i = p.operands.length; i < 8; i++) o[i] = p.operands[0]
  return o
})
const mask = (1n << 2n) | (1n << 4n)
const revealed = attrs.map((a, i) => ((mask >> BigInt(i)) & 1n ? a : 0n))

const input = {
  issuerX: F.toObject(pub[0]), issuerY: F.toObject(pub[1]), schemaId: schema, mask, revealed,
  predActive: pred.map((p) => (p.op === 0n ? 0n : 1n)), predAttr: pred.map((p) => p.attr),
  predOp: pred.map((p) => p.op), predOperands: operands, now, statusRoot: root,
  nullifier: H([3n, secret, scope]), scope, nonce: str('nonce-1'), audience: str('https://shop.example'),
  attrs, holderSecret: secret, statusIndex: index, statusPath: path, issuedAt, expiresAt,
  sigR8x: F.toObject(sig.R8[0]), sigR8y: F.toObject(sig.R8[1]), sigS: sig.S,
}
process.stdout.write(JSON.stringify(input, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 1) + '\n')
process.exit(0)
