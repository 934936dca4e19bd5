// Issues VC 1.1 JWT credentials and presentations with did-jwt-vc (on
// did-jwt 9) for fresh did:key issuers and holders, for chainid to verify.
//
// usage: node jwtvc-issue.mjs < input.json
// input:  {"algs": ["EdDSA", "ES256K", "ES256"], "challenge": "…", "domain": "…"}
// output: [{"alg": "EdDSA", "issuer": "did:key:…", "issuerKid": "…#…",
//           "holder": "did:key:…", "holderKid": "…#…",
//           "credential": "<jwt>", "presentation": "<jwt>"}, …]

import {issueCredential, newKey, presentCredential} from './jwtvc-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const out = [];
for(const alg of input.algs) {
  const issuer = newKey(alg);
  const holder = newKey(alg);
  const credential = await issueCredential(issuer, holder, ['AlumniCredential'],
    {alumniOf: {name: 'Example University'}},
    {jti: 'urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5'});
  const presentation = await presentCredential(holder, credential, input);
  out.push({
    alg, issuer: issuer.did, issuerKid: issuer.kid, holder: holder.did,
    holderKid: holder.kid, credential, presentation
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
