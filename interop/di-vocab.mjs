// Runs credentials whose terms expand through an @vocab (the VC Data Model
// 2.0 examples context, the undefined-terms context) through jsonld.js and
// @digitalbazaar/vc: canonical N-Quads in safe mode (as the rdfc
// cryptosuites canonicalize), verification of our signed credentials, and
// issuance for our verifier. The static loader of di-common.mjs serves the
// pinned context packages; `contexts` adds test contexts (the examples
// context is not published in any package).
//
// stdin:  {"contexts": {URL: document}, "canonize": [doc, …],
//          "verify": [VC, …], "issue": [{"cryptosuite", "credential"}, …]}
//          (each credential to issue gets a fresh did:key issuer)
// stdout: {"canonize": [{"nquads"} | {"error"}], "verify": [{"verified",
//          "error"}], "issued": [VC, …]}

import jsonld from 'jsonld';
import {vc, documentLoader, newIdentity, suiteFor, verifySuites, errorText}
  from './di-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const extra = new Map(Object.entries(input.contexts || {}));
async function loader(url) {
  if(extra.has(url)) {
    return {contextUrl: null, documentUrl: url, document: extra.get(url)};
  }
  return documentLoader(url);
}

const out = {canonize: [], verify: [], issued: []};
for(const doc of input.canonize || []) {
  try {
    const nquads = await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0', format: 'application/n-quads',
      documentLoader: loader, base: null, safe: true
    });
    out.canonize.push({nquads});
  } catch(e) {
    const code = e.details && e.details.event && e.details.event.code;
    out.canonize.push({error: code ? `${e.message} (${code})` : e.message});
  }
}
for(const credential of input.verify || []) {
  const result = await vc.verifyCredential({
    credential, suite: verifySuites(), documentLoader: loader,
    checkStatus: async () => ({verified: true})
  });
  out.verify.push({verified: result.verified, error: errorText(result)});
}
for(const {cryptosuite, credential} of input.issue || []) {
  const issuer = await newIdentity(cryptosuite);
  out.issued.push(await vc.issue({
    credential: {...credential, issuer: issuer.did},
    suite: suiteFor(cryptosuite, issuer.signer), documentLoader: loader
  }));
}
process.stdout.write(JSON.stringify(out));
