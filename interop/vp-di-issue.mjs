// Makes Data Integrity presentations with @digitalbazaar/vc for chainid's
// verifier (verifier/interop): fresh did:key issuers issue credentials whose
// subject is the holder (eddsa-rdfc-2022 with Ed25519, ecdsa-rdfc-2019 with
// P-256), and the holder (did:key, Ed25519 or P-256) signs a presentation
// embedding them, with the verifier's challenge and domain.
//
// stdin:  {"challenge", "domain"}
// stdout: {"issuers": [did, …], "presentations": [{"holder", "cryptosuite",
//          "presentation"}, …]}

import {newIdentity, issue, present} from './di-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
const issuers = [];
const presentations = [];
for(const holderSuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
  const holder = await newIdentity(holderSuite);
  const credentials = [];
  for(const cryptosuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
    const issuer = await newIdentity(cryptosuite);
    issuers.push(issuer.did);
    credentials.push(await issue(issuer, cryptosuite,
      `urn:uuid:${crypto.randomUUID()}`,
      {id: holder.did, name: `Alice (${cryptosuite})`}));
  }
  presentations.push({
    holder: holder.did,
    cryptosuite: holderSuite,
    presentation: await present(holder, holderSuite, credentials, input)
  });
}
process.stdout.write(JSON.stringify({issuers, presentations}));
