// Measures SD-JWT VC verifications per second with @sd-jwt/sd-jwt-vc for
// the same work as the Go benchmark BenchmarkVerify in credentials/sdjwt:
// the same claims with 11 selectively disclosable claims (objects, array
// elements, recursive), 2 decoys per _sd array, presented with 3 claims
// revealed, verified without and with a Key Binding JWT.
//
// usage: node sdjwt.mjs [seconds] [alg…]   (algs: EdDSA ES256 ES256K; default all)
// prints one JSON object per alg and mode:
//   {"alg": "EdDSA", "kb": false, "verifications": V, "seconds": S, "per_second": V/S}

import crypto from 'node:crypto';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';

const seconds = Number(process.argv[2] || 2);
const algs = process.argv.slice(3).length ? process.argv.slice(3) : ['EdDSA', 'ES256', 'ES256K'];

const hashFor = alg => (alg === 'EdDSA' ? null : 'sha256');
const signer = (key, alg) => async data =>
  crypto.sign(hashFor(alg), Buffer.from(data), {key, dsaEncoding: 'ieee-p1363'}).toString('base64url');
const verifier = (key, alg) => async (data, sig) =>
  crypto.verify(hashFor(alg), Buffer.from(data), {key, dsaEncoding: 'ieee-p1363'}, Buffer.from(sig, 'base64url'));
const generate = alg => crypto.generateKeyPairSync(...(alg === 'EdDSA' ? ['ed25519'] :
  ['ec', {namedCurve: alg === 'ES256' ? 'P-256' : 'secp256k1'}]));

// Same claims and frame as credentials/sdjwt's testClaims and testFrame.
const claims = {
  vct: 'https://credentials.example.com/identity_credential',
  sub: 'user_42',
  given_name: 'John',
  family_name: 'Doe',
  email: 'johndoe@example.com',
  address: {street_address: '123 Main St', locality: 'Anytown', country: 'US'},
  nationalities: ['US', 'DE', {code: 'FR', since: 2001}],
  age: {over_18: true, over_65: false},
  score: 1.5e3,
  nothing: null,
  iss: 'did:example:issuer',
  iat: Math.floor(Date.now() / 1000) - 60,
};
const frame = {
  _sd: ['given_name', 'family_name', 'email', 'address', 'nationalities'],
  _sd_decoy: 2,
  address: {_sd: ['street_address', 'locality'], _sd_decoy: 2},
  nationalities: {_sd: [0, 1, 2], 2: {_sd: ['since'], _sd_decoy: 2}},
  age: {_sd: ['over_18'], _sd_decoy: 2},
};
const reveal = {given_name: true, address: {locality: true}, nationalities: {1: true}};

for (const alg of algs) {
  const issuer = generate(alg);
  const holder = generate(alg);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt,
    signer: signer(issuer.privateKey, alg), signAlg: alg,
    verifier: verifier(issuer.publicKey, alg),
    kbSigner: signer(holder.privateKey, alg), kbSignAlg: alg,
    kbVerifier: verifier(holder.publicKey, alg),
  });
  const issued = await sdjwt.issue({...claims, cnf: {jwk: holder.publicKey.export({format: 'jwk'})}}, frame,
    {header: {kid: 'did:example:issuer#key-1'}});
  for (const kb of [false, true]) {
    const pres = await sdjwt.present(issued, reveal,
      kb ? {kb: {payload: {aud: 'https://verifier.example.org', nonce: 'n-0S6_WzA2Mj', iat: Math.floor(Date.now() / 1000)}}} : undefined);
    const opts = kb ? {keyBindingNonce: 'n-0S6_WzA2Mj'} : {};
    const res = await sdjwt.verify(pres, opts); // warm up and check
    if (Boolean(res.kb) !== kb || res.payload.given_name !== 'John') throw new Error('peer verify result');
    const warm = process.hrtime.bigint() + 300_000_000n;
    while (process.hrtime.bigint() < warm) await sdjwt.verify(pres, opts);
    let n = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round(seconds * 1e9));
    let now = start;
    while (now < end) {
      await sdjwt.verify(pres, opts);
      n++;
      now = process.hrtime.bigint();
    }
    const s = Number(now - start) / 1e9;
    console.log(JSON.stringify({alg, kb, verifications: n, seconds: s, per_second: n / s}));
  }
}
