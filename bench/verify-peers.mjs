// Verifies the credentials that bench/verifybench issued (chainid's own
// issuing code, did:key issuer) with the peer libraries, one verification at
// a time, and prints verifications per second:
//
//   jwt_vc_json   did-jwt-vc 4.0.16 verifyCredential (did-jwt 9, did:key
//                 resolved through did-resolver 6 + key-did-resolver on every
//                 call, proofPurpose assertionMethod)
//   dc+sd-jwt     @sd-jwt/sd-jwt-vc 0.19.0 verify, without and with a KB-JWT;
//   dc+sd-jwt+kb  the issuer key is resolved from the kid (did:key, as above)
//                 on every call and must be under assertionMethod; the KB-JWT
//                 key is the cnf.jwk
//   ldp_vc        @digitalbazaar/vc 7.3.0 verifyCredential with
//                 eddsa-rdfc-2022 (did:key through @digitalbazaar/did-method-key,
//                 contexts from a static loader)
//
// To make the peers do the work chainid's pipeline does, this script adds
// what a library leaves to its caller: the trusted-issuer comparison (all
// formats), and for the KB-JWT the audience and the iat age (5 minutes, the
// pipeline's default maxPresentationAge). Neither side checks status or
// schema work here: the credentials carry no status entry and name no schema.
//
// usage: node verify-peers.mjs DIR [seconds] [format]   (default: all formats)
// prints one JSON object per format:
//   {"format": F, "library": L, "verifications": N, "seconds": S, "per_second": N/S}

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import {verifyCredential as verifyJwtVc} from 'did-jwt-vc';
import {Resolver} from 'did-resolver-6';
import {getResolver} from 'key-did-resolver';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest} from '@sd-jwt/crypto-nodejs';
import * as vc from '@digitalbazaar/vc';
import {documentLoader, suite} from './di-loader.mjs';

const dir = process.argv[2];
const seconds = Number(process.argv[3] || 2);
const only = process.argv[4] || '';
if(!dir) {
  throw new Error('usage: node verify-peers.mjs DIR [seconds]');
}
const read = name => fs.readFileSync(path.join(dir, name), 'utf8');
const meta = JSON.parse(read('meta.json'));
const didResolver = new Resolver(getResolver());

function trusted(issuer) {
  if(issuer !== meta.issuer) {
    throw new Error(`untrusted issuer ${issuer}`);
  }
}

// --- jwt_vc_json: did-jwt-vc ---
const jwtVc = read('jwt_vc_json.jwt');
async function jwtVcOnce() {
  const res = await verifyJwtVc(jwtVc, didResolver, {proofPurpose: 'assertionMethod'});
  trusted(res.issuer);
}

// --- dc+sd-jwt: @sd-jwt/sd-jwt-vc ---
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Decode(s) {
  let n = 0n;
  for(const c of s) {
    const v = ALPHABET.indexOf(c);
    if(v < 0) {
      throw new Error('bad base58');
    }
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while(n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for(const c of s) {
    if(c !== '1') {
      break;
    }
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}
const b64json = s => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

// issuerVerifier resolves the kid of the issuer-signed JWT on every call and
// checks the signature with the key listed under assertionMethod.
async function issuerVerifier(data, sig) {
  const [h, p] = data.split('.');
  const header = b64json(h);
  const payload = b64json(p);
  const kid = String(header.kid || '');
  const did = kid.split('#')[0];
  if(header.alg !== 'EdDSA' || did !== payload.iss) {
    return false;
  }
  const {didDocument} = await didResolver.resolve(did);
  const ref = id => (id.startsWith('#') ? did + id : id);
  if(!didDocument || !(didDocument.assertionMethod || []).some(
    m => ref(typeof m === 'string' ? m : m.id) === kid)) {
    return false;
  }
  const vm = (didDocument.verificationMethod || []).find(m => ref(m.id) === kid);
  if(!vm || !vm.publicKeyBase58) {
    return false;
  }
  const key = crypto.createPublicKey({format: 'jwk',
    key: {kty: 'OKP', crv: 'Ed25519', x: base58Decode(vm.publicKeyBase58).toString('base64url')}});
  return crypto.verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
}
async function kbVerifier(data, sig, payload) {
  const jwk = payload?.cnf?.jwk;
  if(!jwk) {
    return false;
  }
  const key = crypto.createPublicKey({format: 'jwk', key: jwk});
  return crypto.verify(null, Buffer.from(data), key, Buffer.from(sig, 'base64url'));
}
const sdjwt = new SDJwtVcInstance({hasher: digest, hashAlg: 'sha-256',
  verifier: issuerVerifier, kbVerifier});
const sd = read('dc+sd-jwt.txt');
const sdkb = read('dc+sd-jwt+kb.txt');
async function sdOnce() {
  const res = await sdjwt.verify(sd);
  trusted(res.payload.iss);
}
async function sdkbOnce() {
  const res = await sdjwt.verify(sdkb, {keyBindingNonce: meta.nonce});
  trusted(res.payload.iss);
  const kb = res.kb?.payload;
  const now = Math.floor(Date.now() / 1000);
  if(!kb || kb.aud !== meta.audience || kb.iat > now || now - kb.iat > 300) {
    throw new Error('key binding: wrong audience or iat');
  }
}

// --- ldp_vc: @digitalbazaar/vc with eddsa-rdfc-2022 (di-loader.mjs) ---
const ldp = JSON.parse(read('ldp_vc.json'));
async function ldpOnce() {
  const res = await vc.verifyCredential({credential: ldp, suite, documentLoader});
  if(!res.verified) {
    throw new Error('not verified: ' + JSON.stringify(res.error?.message || res));
  }
  trusted(ldp.issuer);
}

async function measure(format, library, once) {
  if(only && only !== format) {
    return;
  }
  for(let i = 0; i < 50; i++) {
    await once(); // check and warm up
  }
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while(now < end) {
    for(let i = 0; i < 10; i++) {
      await once();
    }
    n += 10;
    now = process.hrtime.bigint();
  }
  const s = Number(now - start) / 1e9;
  console.log(JSON.stringify({format, library, verifications: n, seconds: s, per_second: n / s}));
}

await measure('jwt_vc_json', 'did-jwt-vc', jwtVcOnce);
await measure('dc+sd-jwt', '@sd-jwt/sd-jwt-vc', sdOnce);
await measure('dc+sd-jwt+kb', '@sd-jwt/sd-jwt-vc', sdkbOnce);
await measure('ldp_vc', '@digitalbazaar/vc', ldpOnce);
