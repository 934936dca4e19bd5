// compile.mjs compiles the Groth16 verifier contract that zkp/onchain exports from a verifying key
// (gnark's Solidity template, contract name Verifier) with the pinned solc-js in this directory and
// writes OUTDIR/Verifier.json: ABI, creation and runtime bytecode, compiler version and settings.
//
// Usage: node compile.mjs SOURCE.sol OUTDIR
// Install once with `npm ci` in this directory. Offline: the compiler is inside the solc package.
// The output is deterministic for a given source.
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')

const CONTRACT = 'Verifier'
// Settings are part of the artifact. cancun runs on go-ethereum 1.17 dev chains and public networks.
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
}

function main(argv) {
  if (argv.length !== 2) {
    throw new Error('usage: node compile.mjs SOURCE.sol OUTDIR')
  }
  const [sourcePath, outDir] = argv
  const sourceName = basename(sourcePath)
  const input = {
    language: 'Solidity',
    sources: { [sourceName]: { content: readFileSync(sourcePath, 'utf8') } },
    settings: SETTINGS,
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input)))
  const errors = (output.errors || []).filter((e) => e.severity === 'error')
  for (const e of output.errors || []) {
    process.stderr.write(e.formattedMessage || e.message)
  }
  if (errors.length > 0) {
    throw new Error(`solc reported ${errors.length} error(s)`)
  }
  const contract = output.contracts?.[sourceName]?.[CONTRACT]
  if (!contract) {
    throw new Error(`contract ${CONTRACT} not found in ${sourceName}`)
  }
  const artifact = {
    contractName: CONTRACT,
    sourceName,
    compiler: { name: 'solc-js', version: solc.version() },
    settings: { evmVersion: SETTINGS.evmVersion, optimizer: SETTINGS.optimizer },
    abi: contract.abi,
    bytecode: '0x' + contract.evm.bytecode.object,
    deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
  }
  writeFileSync(join(outDir, `${CONTRACT}.json`), JSON.stringify(artifact, null, 2) + '\n')
}

try {
  main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`compile.mjs: ${err.message}\n`)
  process.exit(1)
}
