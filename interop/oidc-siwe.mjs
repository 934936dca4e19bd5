// oidc-siwe.mjs runs Sign-In with Ethereum messages through the npm `siwe` library (with ethers) for
// verifier/siwe's interop test.
//
//   node oidc-siwe.mjs make    < {"key": "0x…", "fields": {domain, uri, chainId, nonce, issuedAt, …}}
//     → {"message": "…", "signature": "0x…", "address": "0x…"}   (siwe builds, ethers signs)
//   node oidc-siwe.mjs verify  < {"message": "…", "signature": "0x…", "domain": "…", "nonce": "…", "time": "…"}
//     → {"success": true|false, "address": "0x…", "error": "…"}    (siwe parses and verifies)
import { SiweMessage } from 'siwe'
import { Wallet } from 'ethers'

async function readStdin() {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

async function make(input) {
  const wallet = new Wallet(input.key)
  const msg = new SiweMessage({ ...input.fields, address: wallet.address })
  const message = msg.prepareMessage()
  const signature = await wallet.signMessage(message)
  return { message, signature, address: wallet.address }
}

async function verify(input) {
  try {
    const msg = new SiweMessage(input.message)
    const res = await msg.verify(
      { signature: input.signature, domain: input.domain, nonce: input.nonce, time: input.time },
      { suppressExceptions: true },
    )
    return { success: res.success, address: msg.address, error: res.error ? String(res.error.type || res.error) : '' }
  } catch (err) {
    return { success: false, error: String(err && err.message ? err.message : err) }
  }
}

const mode = process.argv[2]
const input = await readStdin()
const out = mode === 'make' ? await make(input) : mode === 'verify' ? await verify(input) : null
if (out === null) {
  process.stderr.write('usage: node oidc-siwe.mjs make|verify < input.json\n')
  process.exit(2)
}
process.stdout.write(JSON.stringify(out) + '\n')
