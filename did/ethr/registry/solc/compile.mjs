// compile.mjs compiles a contract with the pinned solc-js in this directory, the repository's one solc
// install, and writes NAME.json (ABI, bytecode, deployed bytecode, compiler version and settings),
// NAME.abi and NAME.bin (the inputs abigen reads), where NAME is the source file's base name. Its users:
// EthereumDIDRegistry.sol (`go generate ./did/ethr/registry/`, committed artifacts) and the Groth16
// verifier that zkp/onchain exports from a verifying key (Verifier.sol, gnark's template).
//
// Usage: node compile.mjs [--allow-warnings] SOURCE.sol OUTDIR
// Warnings fail the compilation unless --allow-warnings (the registry is warning-free; generated
// verifiers are not ours to edit). Install with `npm ci` in this directory. Offline: the compiler is
// inside the solc package. Output is deterministic, so TestGeneratedUpToDate can compare bytes.
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')

// Settings are part of the artifact: change them here only together with a regeneration.
const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 200 },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
}

function main(argv) {
  const allowWarnings = argv[0] === '--allow-warnings'
  if (allowWarnings) {
    argv = argv.slice(1)
  }
  if (argv.length !== 2 || !argv[0].endsWith('.sol')) {
    throw new Error('usage: node compile.mjs [--allow-warnings] SOURCE.sol OUTDIR')
  }
  const [sourcePath, outDir] = argv
  const sourceName = basename(sourcePath)
  const CONTRACT = basename(sourcePath, '.sol')
  const input = {
    language: 'Solidity',
    sources: { [sourceName]: { content: readFileSync(sourcePath, 'utf8') } },
    settings: SETTINGS,
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input)))
  const fatal = allowWarnings ? ['error'] : ['error', 'warning']
  const problems = (output.errors || []).filter((e) => e.severity !== 'info')
  for (const p of problems) {
    process.stderr.write(p.formattedMessage || p.message)
  }
  const failed = problems.filter((p) => fatal.includes(p.severity))
  if (failed.length > 0) {
    throw new Error(`solc reported ${failed.length} problem(s)`)
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
