// Measures credential verifications per second with did-jwt-vc (4.0.16 on
// did-jwt 9, did:key resolved through did-resolver 6 and key-did-resolver on
// every call, as an application without a cache does), for the same work as
// the Go benchmark BenchmarkVerifyDIDKey/jwt_vc_json in credentials/jwtvc:
// the VC 1.1 example credential as a jwt_vc_json token (the full credential
// kept under "vc", as chainid signs it), signed by a did:key issuer.
//
// usage: node jwtvc.mjs [seconds] [alg…]   (algs: EdDSA ES256 ES256K; default all)
// prints one JSON object per algorithm:
//   {"alg": "EdDSA", "bytes": B, "verifications": V, "seconds": S, "per_second": V/S}

import {createVerifiableCredentialJwt, verifyCredential} from 'did-jwt-vc';
import {EdDSASigner, ES256KSigner, ES256Signer} from 'did-jwt';
import {Resolver} from 'did-resolver-6';
import {getResolver} from 'key-did-resolver';
import {generateKeyPairSync} from 'node:crypto';

const seconds = Number(process.argv[2] || 2);
const algs = process.argv.slice(3).length ? process.argv.slice(3) : ['EdDSA', 'ES256', 'ES256K'];
const resolver = new Resolver(getResolver());

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes) {
  let zeros = 0;
  while(zeros < bytes.length && bytes[zeros] === 0) {
    zeros++;
  }
  let n = 0n;
  for(const b of bytes) {
    n = (n << 8n) | BigInt(b);
  }
  let out = '';
  while(n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  return '1'.repeat(zeros) + out;
}

function issuer(alg) {
  let prefix, pub, signer;
  if(alg === 'EdDSA') {
    const {privateKey, publicKey} = generateKeyPairSync('ed25519');
    prefix = [0xed, 0x01];
    pub = [...Buffer.from(publicKey.export({format: 'jwk'}).x, 'base64url')];
    signer = EdDSASigner(Buffer.from(privateKey.export({format: 'jwk'}).d, 'base64url'));
  } else {
    const {privateKey} = generateKeyPairSync('ec', {namedCurve: alg === 'ES256K' ? 'secp256k1' : 'prime256v1'});
    const jwk = privateKey.export({format: 'jwk'});
    const y = Buffer.from(jwk.y, 'base64url');
    prefix = alg === 'ES256K' ? [0xe7, 0x01] : [0x80, 0x24];
    pub = [(y[y.length - 1] & 1) ? 3 : 2, ...Buffer.from(jwk.x, 'base64url')];
    const d = Buffer.from(jwk.d, 'base64url');
    signer = alg === 'ES256K' ? ES256KSigner(d) : ES256Signer(d);
  }
  const id = 'z' + base58btc(Uint8Array.from([...prefix, ...pub]));
  return {did: 'did:key:' + id, kid: 'did:key:' + id + '#' + id, signer, alg};
}

// The VC 1.1 example credential of credentials/jwtvc's tests.
function credential(iss) {
  return {
    '@context': ['https://www.w3.org/2018/credentials/v1', 'https://www.w3.org/2018/credentials/examples/v1'],
    id: 'http://example.edu/credentials/1872',
    type: ['VerifiableCredential', 'AlumniCredential'],
    issuer: iss,
    issuanceDate: '2025-01-01T19:23:24Z',
    expirationDate: '2030-01-01T19:23:24Z',
    credentialSubject: {
      id: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
      alumniOf: {id: 'did:example:c276e12ec21ebfeb1f712ebc6f1', name: 'Example University'}
    }
  };
}

for(const alg of algs) {
  const is = issuer(alg);
  const jwt = await createVerifiableCredentialJwt(credential(is.did), is,
    {header: {kid: is.kid}, removeOriginalFields: false});
  await verifyCredential(jwt, resolver); // warm up and check
  for(let i = 0; i < 200; i++) {
    await verifyCredential(jwt, resolver);
  }
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while(now < end) {
    for(let i = 0; i < 20; i++) {
      await verifyCredential(jwt, resolver);
    }
    n += 20;
    now = process.hrtime.bigint();
  }
  const s = Number(now - start) / 1e9;
  process.stdout.write(JSON.stringify({alg, bytes: jwt.length, verifications: n, seconds: s, per_second: n / s}) + '\n');
}
