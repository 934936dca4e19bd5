// Verifies chainid's jwt_vc_json credentials and VC 1.1 JWT presentations
// with did-jwt-vc (on did-jwt 9, resolving did:key through did-resolver 6
// and key-did-resolver).
//
// usage: node jwtvc-verify.mjs < input.json
// input:  {"credentials": ["<jwt>", …],
//          "presentations": [{"jwt": "<jwt>", "challenge": "…", "domain": "…"}, …]}
// output: {"credentials": [{"ok": true, "issuer": "did:…", "credential": {…}} |
//                          {"ok": false, "error": "…"}, …],
//          "presentations": [{"ok": true, "holder": "did:…", "credentials": n} | …]}

import {verifyCredential, verifyPresentation} from 'did-jwt-vc';
import {resolver} from './jwtvc-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const out = {credentials: [], presentations: []};
for(const jwt of input.credentials || []) {
  try {
    const v = await verifyCredential(jwt, resolver);
    out.credentials.push({
      ok: true, issuer: v.issuer, kid: v.signer.id, credential: v.verifiableCredential
    });
  } catch(e) {
    out.credentials.push({ok: false, error: String(e && e.message || e)});
  }
}
for(const p of input.presentations || []) {
  try {
    const v = await verifyPresentation(p.jwt, resolver, {
      challenge: p.challenge, domain: p.domain, proofPurpose: 'authentication'
    });
    out.presentations.push({
      ok: true, holder: v.issuer, kid: v.signer.id,
      credentials: (v.verifiablePresentation.verifiableCredential || []).length
    });
  } catch(e) {
    out.presentations.push({ok: false, error: String(e && e.message || e)});
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
