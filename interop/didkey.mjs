// Resolves did:key DIDs with the npm peers and prints what each returns, so
// the Go interop test (did/key/interop_test.go) can compare it with ours.
//
// stdin:  a JSON array of did:key strings.
// stdout: {"results": [{"did": …, "peers": {PEER: {"error"} | {"id", "methods",
//          "relationships", "notes"}}}]}
// where methods are [{"id", "type", "controller", "multikey"}] with absolute
// ids and every key normalized to a multibase base58btc multicodec key
// ("z6Mk…", "z6LS…", "zDn…", "zQ3s…"), and relationships map each DID Core
// relationship the peer lists to absolute ids.
//
// Peers:
//   key-did-resolver                 key-did-resolver through did-resolver
//   did-method-key/Multikey          @digitalbazaar/did-method-key with the
//                                    Multikey suites (Ed25519, P-256) and X25519
//   did-method-key/Ed25519-2020      @digitalbazaar/did-method-key with
//                                    Ed25519VerificationKey2020, which derives
//                                    an X25519 key-agreement key

import {Resolver} from 'did-resolver';
import {getResolver} from 'key-did-resolver';
import * as didMethodKey from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519VerificationKey2020} from
  '@digitalbazaar/ed25519-verification-key-2020';
import {X25519KeyAgreementKey2020} from
  '@digitalbazaar/x25519-key-agreement-key-2020';

const RELATIONSHIPS = [
  'authentication', 'assertionMethod', 'keyAgreement',
  'capabilityInvocation', 'capabilityDelegation'
];

// Multicodec varint headers.
const HEADER = {
  Ed25519: [0xed, 0x01],
  X25519: [0xec, 0x01],
  secp256k1: [0xe7, 0x01],
  'P-256': [0x80, 0x24]
};

const ALPHABET =
  '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes) {
  let zeros = 0;
  while(zeros < bytes.length && bytes[zeros] === 0) {
    zeros++;
  }
  let n = 0n;
  for(const b of bytes) {
    n = n * 256n + BigInt(b);
  }
  let out = '';
  while(n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  return '1'.repeat(zeros) + out;
}

function unbase58(s) {
  let n = 0n;
  let zeros = 0;
  while(zeros < s.length && s[zeros] === '1') {
    zeros++;
  }
  for(const c of s) {
    const d = ALPHABET.indexOf(c);
    if(d < 0) {
      throw new Error(`bad base58 character ${c}`);
    }
    n = n * 58n + BigInt(d);
  }
  const body = [];
  while(n > 0n) {
    body.unshift(Number(n % 256n));
    n /= 256n;
  }
  return Uint8Array.from([...new Array(zeros).fill(0), ...body]);
}

function multikey(kind, raw) {
  return 'z' + base58(Uint8Array.from([...HEADER[kind], ...raw]));
}

// fromB64 decodes base64url and left-pads to size bytes (a peer that drops
// leading zero bytes still names the same number); notes records it.
function fromB64(s, size, notes, what) {
  const b = Buffer.from(s, 'base64url');
  if(b.length !== size) {
    notes.push(`${what} is ${b.length} bytes, not ${size}`);
  }
  if(b.length > size) {
    throw new Error(`${what} longer than ${size} bytes`);
  }
  return Uint8Array.from([...new Array(size - b.length).fill(0), ...b]);
}

function normalizeKey(vm, notes) {
  if(vm.publicKeyMultibase) {
    return vm.publicKeyMultibase;
  }
  if(vm.publicKeyBase58) {
    const raw = unbase58(vm.publicKeyBase58);
    if(vm.type.startsWith('Ed25519')) {
      return multikey('Ed25519', raw);
    }
    if(vm.type.startsWith('X25519')) {
      return multikey('X25519', raw);
    }
    if(/Secp256k1/i.test(vm.type)) {
      return multikey('secp256k1', raw);
    }
    throw new Error(`publicKeyBase58 in unknown type ${vm.type}`);
  }
  const jwk = vm.publicKeyJwk;
  if(jwk) {
    if(jwk.kty === 'OKP' && (jwk.crv === 'Ed25519' || jwk.crv === 'X25519')) {
      return multikey(jwk.crv, fromB64(jwk.x, 32, notes, 'jwk.x'));
    }
    if(jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'secp256k1')) {
      const x = fromB64(jwk.x, 32, notes, 'jwk.x');
      const y = fromB64(jwk.y, 32, notes, 'jwk.y');
      return multikey(jwk.crv, [(y[31] & 1) ? 3 : 2, ...x]);
    }
    throw new Error(`unsupported JWK ${jwk.kty} ${jwk.crv}`);
  }
  throw new Error(`verification method ${vm.id} has no key`);
}

function absolute(did, id) {
  return id.startsWith('#') ? did + id : id;
}

function normalize(did, doc) {
  const notes = [];
  const methods = new Map();
  const add = vm => {
    const id = absolute(did, vm.id);
    if(!methods.has(id)) {
      methods.set(id, {
        id,
        type: vm.type,
        controller: vm.controller,
        multikey: normalizeKey(vm, notes)
      });
    }
  };
  for(const vm of doc.verificationMethod || []) {
    add(vm);
  }
  const relationships = {};
  for(const rel of RELATIONSHIPS) {
    if(!doc[rel]) {
      continue;
    }
    relationships[rel] = doc[rel].map(entry => {
      if(typeof entry === 'string') {
        return absolute(did, entry);
      }
      add(entry); // embedded method
      return absolute(did, entry.id);
    });
  }
  return {
    id: doc.id, context: doc['@context'], methods: [...methods.values()],
    relationships, notes
  };
}

function peers() {
  const didResolver = new Resolver(getResolver());

  const multikeyDriver = didMethodKey.driver();
  multikeyDriver.use({
    multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from
  });
  multikeyDriver.use({
    multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from
  });
  multikeyDriver.use({
    multibaseMultikeyHeader: 'z6LS',
    fromMultibase: X25519KeyAgreementKey2020.from
  });

  const suite2020Driver = didMethodKey.driver();
  suite2020Driver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519VerificationKey2020.from
  });

  return {
    'key-did-resolver': async did => {
      const result = await didResolver.resolve(did);
      if(result.didResolutionMetadata?.error) {
        throw new Error(result.didResolutionMetadata.error + ': ' +
          (result.didResolutionMetadata.message || ''));
      }
      return result.didDocument;
    },
    'did-method-key/Multikey': did => multikeyDriver.get({did}),
    'did-method-key/Ed25519-2020': did => suite2020Driver.get({did})
  };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const dids = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if(!Array.isArray(dids)) {
    throw new Error('stdin must be a JSON array of DIDs');
  }
  const resolvers = peers();
  const results = [];
  for(const did of dids) {
    const out = {did, peers: {}};
    for(const [name, resolve] of Object.entries(resolvers)) {
      try {
        out.peers[name] = normalize(did, await resolve(did));
      } catch(e) {
        out.peers[name] = {error: String(e?.message || e)};
      }
    }
    results.push(out);
  }
  process.stdout.write(JSON.stringify({results}, null, 2) + '\n');
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
