// Issues Data Integrity credentials with @digitalbazaar/vc for our verifier:
// a fresh did:key issuer (Ed25519 Multikey for eddsa-rdfc-2022, P-256 for
// ecdsa-rdfc-2019) and a presentation signed by the holder with a challenge
// and domain.
//
// stdin:  {"count": N, "challenge", "domain"}
// stdout: {"credentials": [VC, …], "presentation": VP without credentials,
//          "presentationWithCredential": VP embedding the first credential}

import {newIdentity, issue, present} from './di-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const credentials = [];
for(let i = 0; i < (input.count || 1); i++) {
  for(const cryptosuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
    const issuer = await newIdentity(cryptosuite);
    credentials.push(await issue(issuer, cryptosuite,
      `urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b98600${i}`,
      {id: 'did:example:subject', name: `Alice ${i}`}));
  }
}
const holder = await newIdentity('eddsa-rdfc-2022');
process.stdout.write(JSON.stringify({
  credentials,
  presentation: await present(holder, 'eddsa-rdfc-2022', undefined, input),
  presentationWithCredential:
    await present(holder, 'eddsa-rdfc-2022', [credentials[0]], input)
}));
