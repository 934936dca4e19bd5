// Runs credentials whose terms expand through an @vocab (the VC Data Model
// 2.0 examples context, the undefined-terms context) through the peers:
// canonical N-Quads in safe mode (jsonld.js 9, as the rdfc cryptosuites
// drive it), verification of our signed credentials with @digitalbazaar/vc,
// and issuance for our verifier. The static loader of di-common.mjs serves
// the pinned context packages; `contexts` adds test contexts (the examples
// context is not published in any package).
//
// stdin:  {"contexts": {URL: document}, "canonize": [doc, …],
//          "verify": [VC, …], "issue": [{"cryptosuite", "credential"}, …]}
//          (each credential to issue gets a fresh did:key issuer)
// stdout: {"canonize": [{"nquads"} | {"error"}], "verify": [{"verified",
//          "error"}], "issued": [VC, …]}

import {vc, documentLoader, newIdentity, suiteFor, verifySuites, errorText,
  eddsaRdfc2022} from './di-common.mjs';
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
    // The cryptosuite's own canonize (jsonld.js toRDF in safe mode, then
    // RDFC-1.0), as it runs on the document being signed or verified;
    // ecdsa-rdfc-2019's is the same code.
    const nquads = await eddsaRdfc2022.canonize(doc, {
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
