// Shared helpers for the SD-JWT interop scripts: JWS signers and verifiers
// over node:crypto for EdDSA (Ed25519), ES256 (P-256) and ES256K
// (secp256k1), with keys as JWKs, in the shapes @sd-jwt expects.

import crypto from 'node:crypto';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';

export {digest, generateSalt};

const hashFor = alg => (alg === 'EdDSA' ? null : 'sha256');

export function signer(privateJwk, alg) {
  const key = crypto.createPrivateKey({key: privateJwk, format: 'jwk'});
  return async data => crypto.sign(hashFor(alg), Buffer.from(data),
    {key, dsaEncoding: 'ieee-p1363'}).toString('base64url');
}

export function verifier(publicJwk, alg) {
  const key = crypto.createPublicKey({key: publicJwk, format: 'jwk'});
  return async (data, sig) => crypto.verify(hashFor(alg), Buffer.from(data),
    {key, dsaEncoding: 'ieee-p1363'}, Buffer.from(sig, 'base64url'));
}

// algOf returns the JWS alg of a JWK.
export function algOf(jwk) {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'EC' && jwk.crv === 'secp256k1') return 'ES256K';
  throw new Error(`unsupported JWK ${jwk.kty}/${jwk.crv}`);
}

// kbVerifier verifies a KB-JWT with the cnf.jwk of the SD-JWT payload.
export async function kbVerifier(data, sig, payload) {
  const jwk = payload?.cnf?.jwk;
  if (!jwk) throw new Error('SD-JWT has no cnf.jwk');
  return verifier(jwk, algOf(jwk))(data, sig);
}

export function generate(alg) {
  const opts = alg === 'EdDSA' ? ['ed25519'] :
    ['ec', {namedCurve: alg === 'ES256' ? 'P-256' : 'secp256k1'}];
  const {publicKey, privateKey} = crypto.generateKeyPairSync(...opts);
  return {publicJwk: publicKey.export({format: 'jwk'}), privateJwk: privateKey.export({format: 'jwk'})};
}
