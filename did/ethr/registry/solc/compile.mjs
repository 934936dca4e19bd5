// compile.mjs compiles EthereumDIDRegistry.sol with the pinned solc-js in this directory and writes
// the committed artifacts: EthereumDIDRegistry.json (ABI, bytecode, deployed bytecode, compiler version
// and settings), EthereumDIDRegistry.abi and EthereumDIDRegistry.bin (the inputs abigen reads).
//
// Usage: node compile.mjs SOURCE.sol OUTDIR
// Run through `go generate ./did/ethr/registry/` after `npm ci` in this directory. Offline: the compiler
// is inside the solc package. Output is deterministic, so TestGeneratedUpToDate can compare bytes.
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')

const CONTRACT = 'EthereumDIDRegistry'
// Settings are part of the artifact: change them here only together with a regeneration.
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
  const problems = (output.errors || []).filter((e) => e.severity !== 'info')
  for (const p of problems) {
    process.stderr.write(p.formattedMessage || p.message)
  }
  if (problems.length > 0) {
    // Warnings fail the build too: the contract is small enough to be warning-free.
    throw new Error(`solc reported ${problems.length} problem(s)`)
  }
  const contract = output.contracts?.[sourceName]?.[CONTRACT]
  if (!contract) {
    throw new Error(`contract ${CONTRACT} not found in ${sourceName}`)
  }
  const bytecode = '0x' + contract.evm.bytecode.object
  const artifact = {
    contractName: CONTRACT,
    sourceName,
    compiler: { name: 'solc-js', version: solc.version() },
    settings: { evmVersion: SETTINGS.evmVersion, optimizer: SETTINGS.optimizer },
    abi: contract.abi,
    bytecode,
    deployedBytecode: '0x' + contract.evm.deployedBytecode.object,
  }
  writeFileSync(join(outDir, `${CONTRACT}.json`), JSON.stringify(artifact, null, 2) + '\n')
  writeFileSync(join(outDir, `${CONTRACT}.abi`), JSON.stringify(contract.abi, null, 2) + '\n')
  writeFileSync(join(outDir, `${CONTRACT}.bin`), bytecode + '\n')
}

try {
  main(process.argv.slice(2))
} catch (err) {
  process.stderr.write(`compile.mjs: ${err.message}\n`)
  process.exit(1)
}
