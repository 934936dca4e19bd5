// Issues VC 1.1 JWT credentials and presentations with did-jwt-vc (on
// did-jwt 9) for fresh did:key issuers and holders, for chainid to verify.
//
// usage: node jwtvc-issue.mjs < input.json
// input:  {"algs": ["EdDSA", "ES256K", "ES256"], "challenge": "…", "domain": "…"}
// output: [{"alg": "EdDSA", "issuer": "did:key:…", "issuerKid": "…#…",
//           "holder": "did:key:…", "holderKid": "…#…",
//           "credential": "<jwt>", "presentation": "<jwt>"}, …]

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
    jti: 'urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5',
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential', 'AlumniCredential'],
      credentialSubject: {alumniOf: {name: 'Example University'}}
    }
  }, {did: issuer.did, signer: issuer.signer, alg}, {header: {kid: issuer.kid}});
  const presentation = await createVerifiablePresentationJwt({
    vp: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [credential]
    }
  }, {did: holder.did, signer: holder.signer, alg}, {
    challenge: input.challenge, domain: input.domain, header: {kid: holder.kid}
  });
  out.push({
    alg, issuer: issuer.did, issuerKid: issuer.kid, holder: holder.did,
    holderKid: holder.kid, credential, presentation
  });
}
process.stdout.write(JSON.stringify(out) + '\n');
