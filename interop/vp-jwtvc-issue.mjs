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

import {issueCredential, newKey, presentCredential} from './jwtvc-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const out = [];
for(const alg of input.algs) {
  const issuer = newKey(alg);
  const holder = newKey(alg);
  const credential = await issueCredential(issuer, holder, [], {name: 'Alice'});
  const iat = Math.floor(Date.now() / 1000);
  out.push({
    alg, issuer: issuer.did, holder: holder.did, credential,
    presentation: await presentCredential(holder, credential, input, {iat}),
    presentationNoIat: await presentCredential(holder, credential, input)
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
