// Issues an SD-JWT VC with @sd-jwt/sd-jwt-vc and presents it with a Key
// Binding JWT, for chainid's Verify to check.
//
// stdin:  {"alg": "EdDSA"|"ES256"|"ES256K", "kid": issuer DID URL (the
//          issuer's did:jwk, whose key the script receives),
//          "issuerPrivateJwk": {...}, "holderPrivateJwk": {...},
//          "holderPublicJwk": {...}, "claims": {...}, "disclosable": [top-level
//          claim names], "reveal": [claim names], "nonce", "aud", "iat"}
// stdout: {"issued": "...", "presentation": "..."}

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt, signer} from './sdjwt-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const sdjwt = new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
  signer: signer(input.issuerPrivateJwk, input.alg),
  signAlg: input.alg,
  kbSigner: signer(input.holderPrivateJwk, input.alg),
  kbSignAlg: input.alg,
});
const claims = {...input.claims, cnf: {jwk: input.holderPublicJwk}};
const frame = {_sd: input.disclosable};
if (input.arrayClaim) frame[input.arrayClaim] = {_sd: [0, 1]};
const issued = await sdjwt.issue(claims, frame, {header: {kid: input.kid}});
const reveal = Object.fromEntries(input.reveal.map(k => [k, true]));
if (input.arrayClaim) reveal[input.arrayClaim] = {1: true};
const presentation = await sdjwt.present(issued, reveal, {
  kb: {payload: {aud: input.aud, nonce: input.nonce, iat: input.iat}},
});
console.log(JSON.stringify({issued, presentation}));
