// Writes to an ERC-1056 registry with the reference controller,
// ethr-did-resolver's EthrDidController (ethers 6 wallets), so the Go
// conformance tests can check that our resolver reads the reference's writes
// as the reference resolver does.
//
// stdin: {"rpcUrl": "http://127.0.0.1:8545", "chainId": 1337,
//         "registry": "0x…", "name": "dev",
//         "identity": "did:ethr:dev:0x…",        (a DID or an address)
//         "ownerKey": "0x…",                     (hex secp256k1 private key)
//         "relayerKey": "0x…",                   (pays for signed operations)
//         "ops": [OP, …]}
// OP is one of (validity in seconds; "signed": true makes the owner sign the
// ERC-1056 meta-transaction digest and the relayer send it; "key" overrides
// ownerKey for this operation, e.g. after an owner change):
//   {"op": "setAttribute", "name", "value", "validity"}
//   {"op": "revokeAttribute", "name", "value"}
//   {"op": "addDelegate", "type", "delegate", "validity"}
//   {"op": "revokeDelegate", "type", "delegate"}
//   {"op": "changeOwner", "newOwner"}
// Values are passed to the controller as given: "0x…" hex means bytes,
// anything else is UTF-8 text. "gasLimit" overrides the gas limit sent
// (default 500000; the controller's own default, 123456, runs out of gas for
// an identity's first change under go-ethereum 1.17's dev chain rules).
//
// stdout: {"receipts": [{"op", "signed", "blockNumber", "txHash", "status",
//          "gasUsed"}], "rebroadcasts": N}
// (N counts transactions sent again after 3 s without a receipt.)
// A failed operation, or one without a receipt within "opTimeoutMs" (default
// 30000), ends the script with exit status 1.

import {JsonRpcProvider, Network, NonceManager, SigningKey, Transaction, Wallet} from 'ethers';
import {EthrDidController} from 'ethr-did-resolver';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// controller returns an EthrDidController for the identity whose
// transactions are sent (and paid) by sender. legacyNonce is false: the
// registry hashes nonce[identityOwner(identity)] for every signed variant.
function controller(input, provider, sender) {
  return new EthrDidController(input.identity, undefined, sender, input.name,
    provider, undefined, input.registry, false);
}

// sender returns one NonceManager-wrapped wallet per key for the whole run.
// Right after a receipt, a dev chain node can still report the mined
// transaction's nonce as the next pending one (go-ethereum's pool resets
// asynchronously), which makes a fresh Wallet reuse it; counting locally
// avoids that.
const senders = new Map();
function sender(key, provider) {
  if (!senders.has(key)) senders.set(key, new NonceManager(new Wallet(key, provider)));
  return senders.get(key);
}

function metaSignature(key, hash) {
  const sig = new SigningKey(key).sign(hash);
  return {sigV: sig.v, sigR: sig.r, sigS: sig.s};
}

async function apply(input, provider, op) {
  const ownerKey = op.key ?? input.ownerKey;
  // The controller's default gas limit (123456) is too low on current chain rules: the first
  // change of an identity used more (go-ethereum 1.17 dev chain). Unused gas is not charged.
  const overrides = {gasLimit: op.gasLimit ?? 500000};
  if (!op.signed) {
    const c = controller(input, provider, sender(ownerKey, provider));
    switch (op.op) {
      case 'setAttribute': return c.setAttribute(op.name, op.value, op.validity, overrides);
      case 'revokeAttribute': return c.revokeAttribute(op.name, op.value, overrides);
      case 'addDelegate': return c.addDelegate(op.type, op.delegate, op.validity, overrides);
      case 'revokeDelegate': return c.revokeDelegate(op.type, op.delegate, overrides);
      case 'changeOwner': return c.changeOwner(op.newOwner, overrides);
    }
    throw new Error(`unknown op ${op.op}`);
  }
  if (!input.relayerKey) throw new Error('signed op needs relayerKey');
  const c = controller(input, provider, sender(input.relayerKey, provider));
  switch (op.op) {
    case 'setAttribute': {
      const sig = metaSignature(ownerKey, await c.createSetAttributeHash(op.name, op.value, op.validity));
      return c.setAttributeSigned(op.name, op.value, op.validity, sig, overrides);
    }
    case 'revokeAttribute': {
      const sig = metaSignature(ownerKey, await c.createRevokeAttributeHash(op.name, op.value));
      return c.revokeAttributeSigned(op.name, op.value, sig, overrides);
    }
    case 'addDelegate': {
      const sig = metaSignature(ownerKey, await c.createAddDelegateHash(op.type, op.delegate, op.validity));
      return c.addDelegateSigned(op.type, op.delegate, op.validity, sig, overrides);
    }
    case 'revokeDelegate': {
      const sig = metaSignature(ownerKey, await c.createRevokeDelegateHash(op.type, op.delegate));
      return c.revokeDelegateSigned(op.type, op.delegate, sig, overrides);
    }
    case 'changeOwner': {
      const sig = metaSignature(ownerKey, await c.createChangeOwnerHash(op.newOwner));
      return c.changeOwnerSigned(op.newOwner, sig, overrides);
    }
  }
  throw new Error(`unknown op ${op.op}`);
}

async function main() {
  const input = await readStdin();
  for (const field of ['rpcUrl', 'chainId', 'registry', 'name', 'identity', 'ownerKey', 'ops']) {
    if (input[field] === undefined) throw new Error(`missing input field ${field}`);
  }
  const network = Network.from(BigInt(input.chainId));
  const provider = new JsonRpcProvider(input.rpcUrl, network, {staticNetwork: network});
  // tx.wait() polls for the receipt; ethers' default is every 4 s, while a
  // dev chain mines in milliseconds.
  provider.pollingInterval = 50;
  // The last JSON-RPC exchanges, printed when an operation fails.
  const recent = [];
  const sent = [];
  provider.on('debug', (info) => {
    if (info.action === 'sendRpcPayload') {
      for (const p of [info.payload].flat()) {
        if (p.method === 'eth_sendRawTransaction') sent.push(p.params[0]);
      }
    }
    if (info.action !== 'receiveRpcResult' && info.action !== 'receiveRpcError') return;
    recent.push(JSON.stringify(info, (k, v) => typeof v === 'bigint' ? v.toString() : v).slice(0, 300));
    if (recent.length > 12) recent.shift();
  });
  const receipts = [];
  const opTimeoutMs = input.opTimeoutMs ?? 30000;
  let rebroadcasts = 0;
  for (const [i, op] of input.ops.entries()) {
    let receipt;
    let timer;
    try {
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no receipt within ${opTimeoutMs} ms`)), opTimeoutMs);
      });
      // If the transaction has no receipt after a few seconds, send it again: under heavy load
      // the dev chain's pool has been seen to lose a transaction of a freshly funded sender
      // (the head stayed put and the wait never ended). Re-sending a mined or pooled
      // transaction is refused harmlessly ("already known", "nonce too low").
      const sentBefore = sent.length;
      const rebroadcast = setInterval(() => {
        const raw = sent.length > sentBefore ? sent.at(-1) : undefined;
        if (!raw) return;
        rebroadcasts++;
        process.stderr.write(`op ${i}: no receipt yet; sending the transaction again\n`);
        provider.send('eth_sendRawTransaction', [raw]).catch(() => {});
      }, 3000);
      try {
        receipt = await Promise.race([apply(input, provider, op), timeout]);
      } finally {
        clearInterval(rebroadcast);
      }
    } catch (e) {
      const gas = e?.receipt ? ` (gas used ${e.receipt.gasUsed} of ${e.transaction?.gasLimit ?? '?'})` : '';
      process.stderr.write(`last JSON-RPC results:\n${recent.join('\n')}\n`);
      const last = sent.at(-1);
      if (last) {
        const tx = Transaction.from(last);
        const [pool, pending, latest, block] = await Promise.all([
          provider.send('eth_getTransactionByHash', [tx.hash]),
          provider.send('eth_getTransactionCount', [tx.from, 'pending']),
          provider.send('eth_getTransactionCount', [tx.from, 'latest']),
          provider.send('eth_getBlockByNumber', ['latest', false]),
        ]).catch((err) => [String(err)]);
        process.stderr.write(`last transaction sent: ${JSON.stringify(tx.toJSON())}\n` +
          `node: by hash ${JSON.stringify(pool)}; sender nonce pending ${pending}, latest ${latest}; ` +
          `head ${block?.number} baseFee ${block?.baseFeePerGas}\n`);
      }
      throw new Error(`op ${i} (${op.op}${op.signed ? ', signed' : ''}): ${e?.shortMessage ?? e?.message ?? e}${gas}`);
    }
    clearTimeout(timer);
    if (!receipt || receipt.status !== 1) {
      throw new Error(`op ${i} (${op.op}): transaction ${receipt?.hash} failed`);
    }
    receipts.push({op: op.op, signed: !!op.signed, blockNumber: receipt.blockNumber,
      txHash: receipt.hash, status: receipt.status, gasUsed: Number(receipt.gasUsed)});
  }
  provider.destroy();
  // Exit only once stdout is flushed: writes to a pipe are asynchronous.
  await new Promise((resolve) => process.stdout.write(JSON.stringify({receipts, rebroadcasts}) + '\n', resolve));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`ethr-write.mjs: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
