// Measures did:key resolutions per second with key-did-resolver (through
// did-resolver, as applications use it), for the same work as the Go
// benchmark BenchmarkResolve in did/key: parse and resolve one of N distinct
// did:key strings per call.
//
// usage: node didkey.mjs [N] [seconds] [type…]   (types: Ed25519 P-256 secp256k1;
//        default all)
// prints one JSON object per key type:
//   {"type": "Ed25519", "dids": N, "resolutions": R, "seconds": S, "per_second": R/S}

import {generateKeyPairSync} from 'node:crypto';
import {Resolver} from 'did-resolver';
import {getResolver} from 'key-did-resolver';

const n = Number(process.argv[2] || 256);
const seconds = Number(process.argv[3] || 2);
const only = process.argv.slice(4);

const ALPHABET =
  '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes) {
  let zeros = 0;
  while(zeros < bytes.length && bytes[zeros] === 0) {
    zeros++;
  }
  let v = 0n;
  for(const b of bytes) {
    v = v * 256n + BigInt(b);
  }
  let out = '';
  while(v > 0n) {
    out = ALPHABET[Number(v % 58n)] + out;
    v /= 58n;
  }
  return '1'.repeat(zeros) + out;
}

function didKey(header, raw) {
  return 'did:key:z' + base58(Uint8Array.from([...header, ...raw]));
}

// compressed returns the SEC1 compressed point of an EC JWK.
function compressed(jwk) {
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  return [(y[y.length - 1] & 1) ? 3 : 2, ...x];
}

const makers = {
  Ed25519: () => {
    const {publicKey} = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({format: 'jwk'});
    return didKey([0xed, 0x01], Buffer.from(jwk.x, 'base64url'));
  },
  'P-256': () => {
    const {publicKey} = generateKeyPairSync('ec', {namedCurve: 'prime256v1'});
    return didKey([0x80, 0x24], compressed(publicKey.export({format: 'jwk'})));
  },
  secp256k1: () => {
    const {publicKey} = generateKeyPairSync('ec', {namedCurve: 'secp256k1'});
    return didKey([0xe7, 0x01], compressed(publicKey.export({format: 'jwk'})));
  }
};

async function measure(resolver, dids) {
  // Warm up the JIT, and check every DID resolves.
  for(const did of dids) {
    const r = await resolver.resolve(did);
    if(!r.didDocument) {
      throw new Error(`${did}: ${JSON.stringify(r.didResolutionMetadata)}`);
    }
  }
  let count = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while(elapsed < limit) {
    for(const did of dids) {
      await resolver.resolve(did);
    }
    count += dids.length;
    elapsed = process.hrtime.bigint() - start;
  }
  return {count, secs: Number(elapsed) / 1e9};
}

const resolver = new Resolver(getResolver());
for(const [type, make] of Object.entries(makers)) {
  if(only.length > 0 && !only.includes(type)) {
    continue;
  }
  const dids = Array.from({length: n}, make);
  const {count, secs} = await measure(resolver, dids);
  console.log(JSON.stringify({
    type, dids: n, resolutions: count, seconds: secs,
    per_second: count / secs
  }));
}
