// compile.mjs compiles Wallets.sol with the pinned solc-js of did/ethr/registry/solc (run `npm ci` there
// first) and writes wallets.json: each contract's ABI and creation bytecode.
//
// Usage (from this directory): node compile.mjs
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'

const require = createRequire(new URL('../../../did/ethr/registry/solc/package.json', import.meta.url))
const solc = require('solc')

const input = {
  language: 'Solidity',
  sources: { 'Wallets.sol': { content: readFileSync('Wallets.sol', 'utf8') } },
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
}
const output = JSON.parse(solc.compile(JSON.stringify(input)))
const problems = (output.errors || []).filter((e) => e.severity === 'error')
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(p.formattedMessage)
  process.exit(1)
}
const out = { compiler: solc.version(), contracts: {} }
for (const [name, c] of Object.entries(output.contracts['Wallets.sol'])) {
  out.contracts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object }
}
writeFileSync('wallets.json', JSON.stringify(out, null, 2) + '\n')
