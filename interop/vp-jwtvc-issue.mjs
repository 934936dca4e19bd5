// Makes VP-JWTs with did-jwt-vc (on did-jwt 9) for chainid's verifier
// (verifier/interop): a did:key issuer issues a VC 1.1 JWT credential to a
// did:key holder, and the holder presents it with createVerifiablePresentationJwt
// and the challenge (nonce) and domain (aud) options. did-jwt-vc leaves iat
// out of presentations unless the payload carries one, so each holder makes
// two: "presentation" with iat (the caller passes it, as a verifier that
// bounds the presentation's age needs) and "presentationNoIat", the default.
//
// stdin:  {"algs": ["EdDSA", "ES256", "ES256K"], "challenge", "domain"}
// stdout: [{"alg", "issuer", "holder", "credential", "presentation",
//           "presentationNoIat"}, …]

import {createVerifiableCredentialJwt, createVerifiablePresentationJwt} from 'did-jwt-vc';
import {newKey, readStdin} from './jwtvc-common.mjs';

const input = await readStdin();
const out = [];
for(const alg of input.algs) {
  const issuer = newKey(alg);
  const holder = newKey(alg);
  const now = Math.floor(Date.now() / 1000);
  const credential = await createVerifiableCredentialJwt({
    sub: holder.did,
    nbf: now - 60,
    exp: now + 3600,
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential'],
      credentialSubject: {name: 'Alice'}
    }
  }, {did: issuer.did, signer: issuer.signer, alg}, {header: {kid: issuer.kid}});
  const vp = {
    '@context': ['https://www.w3.org/2018/credentials/v1'],
    type: ['VerifiablePresentation'],
    verifiableCredential: [credential]
  };
  const opts = {challenge: input.challenge, domain: input.domain, header: {kid: holder.kid}};
  const signer = {did: holder.did, signer: holder.signer, alg};
  out.push({
    alg, issuer: issuer.did, holder: holder.did, credential,
    presentation: await createVerifiablePresentationJwt({vp, iat: now}, signer, opts),
    presentationNoIat: await createVerifiablePresentationJwt({vp}, signer, opts)
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
