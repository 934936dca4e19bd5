// Shared by jwtvc-verify.mjs, jwtvc-issue.mjs and vp-jwtvc-issue.mjs: a
// did-resolver 6 Resolver over key-did-resolver, did:key identifiers for
// node:crypto keys, and VC 1.1 JWT credentials and presentations made with
// did-jwt-vc.

import {generateKeyPairSync} from 'node:crypto';
import {Resolver} from 'did-resolver-6';
import {getResolver} from 'key-did-resolver';
import {EdDSASigner, ES256KSigner, ES256Signer} from 'did-jwt';
import {createVerifiableCredentialJwt, createVerifiablePresentationJwt} from
  'did-jwt-vc';

export const resolver = new Resolver(getResolver());

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

function compress(jwk) {
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  return [(y[y.length - 1] & 1) ? 3 : 2, ...x];
}

// newKey returns a fresh key of a JWS algorithm as {alg, did, kid, signer}.
export function newKey(alg) {
  let prefix;
  let pub;
  let signer;
  if(alg === 'EdDSA') {
    const {privateKey, publicKey} = generateKeyPairSync('ed25519');
    prefix = [0xed, 0x01];
    pub = [...Buffer.from(publicKey.export({format: 'jwk'}).x, 'base64url')];
    signer = EdDSASigner(Buffer.from(privateKey.export({format: 'jwk'}).d, 'base64url'));
  } else {
    const curve = alg === 'ES256K' ? 'secp256k1' : 'prime256v1';
    const {privateKey} = generateKeyPairSync('ec', {namedCurve: curve});
    const jwk = privateKey.export({format: 'jwk'});
    prefix = alg === 'ES256K' ? [0xe7, 0x01] : [0x80, 0x24];
    pub = compress(jwk);
    const d = Buffer.from(jwk.d, 'base64url');
    signer = alg === 'ES256K' ? ES256KSigner(d) : ES256Signer(d);
  }
  const id = 'z' + base58btc(Uint8Array.from([...prefix, ...pub]));
  const did = 'did:key:' + id;
  return {alg, did, kid: did + '#' + id, signer};
}

const V1 = 'https://www.w3.org/2018/credentials/v1';

// issueCredential issues, as issuer (a newKey), a VC 1.1 JWT credential to
// holder, valid from a minute ago for an hour, of VerifiableCredential and
// types about credentialSubject; claims adds JWT claims (such as jti).
export function issueCredential(issuer, holder, types, credentialSubject,
  claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  return createVerifiableCredentialJwt({
    sub: holder.did,
    nbf: now - 60,
    exp: now + 3600,
    ...claims,
    vc: {
      '@context': [V1],
      type: ['VerifiableCredential', ...types],
      credentialSubject
    }
  }, {did: issuer.did, signer: issuer.signer, alg: issuer.alg},
  {header: {kid: issuer.kid}});
}

// presentCredential signs, as holder (a newKey), a VC 1.1 JWT presentation
// of credential for challenge and domain; claims adds JWT claims (such as
// iat).
export function presentCredential(holder, credential, {challenge, domain},
  claims = {}) {
  return createVerifiablePresentationJwt({
    vp: {
      '@context': [V1],
      type: ['VerifiablePresentation'],
      verifiableCredential: [credential]
    },
    ...claims
  }, {did: holder.did, signer: holder.signer, alg: holder.alg},
  {challenge, domain, header: {kid: holder.kid}});
}
