// Makes Data Integrity presentations with @digitalbazaar/vc for chainid's
// verifier (verifier/interop): fresh did:key issuers issue credentials whose
// subject is the holder (eddsa-rdfc-2022 with Ed25519, ecdsa-rdfc-2019 with
// P-256), and the holder (did:key, Ed25519 or P-256) signs a presentation
// embedding them, with the verifier's challenge and domain.
//
// stdin:  {"challenge", "domain"}
// stdout: {"issuers": [did, …], "presentations": [{"holder", "cryptosuite",
//          "presentation"}, …]}

import {vc, Ed25519Multikey, EcdsaMultikey, didKeyDriver, documentLoader,
  suiteFor, readStdin} from './di-common.mjs';

async function identity(keyPair) {
  const {didDocument} = await didKeyDriver.fromKeyPair({
    verificationKeyPair: keyPair
  });
  keyPair.id = didDocument.assertionMethod[0];
  keyPair.controller = didDocument.id;
  return {did: didDocument.id, signer: keyPair.signer()};
}

const newKey = cryptosuite => cryptosuite === 'eddsa-rdfc-2022' ?
  Ed25519Multikey.generate() : EcdsaMultikey.generate({curve: 'P-256'});

const input = await readStdin();
const issuers = [];
const presentations = [];
for(const holderSuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
  const holder = await identity(await newKey(holderSuite));
  const credentials = [];
  for(const cryptosuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
    const issuer = await identity(await newKey(cryptosuite));
    issuers.push(issuer.did);
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `urn:uuid:${crypto.randomUUID()}`,
      type: ['VerifiableCredential'],
      issuer: issuer.did,
      validFrom: '2025-01-01T00:00:00Z',
      credentialSubject: {id: holder.did, name: `Alice (${cryptosuite})`}
    };
    credentials.push(await vc.issue({
      credential, suite: suiteFor(cryptosuite, issuer.signer), documentLoader
    }));
  }
  const presentation = vc.createPresentation({
    verifiableCredential: credentials, holder: holder.did
  });
  presentations.push({
    holder: holder.did,
    cryptosuite: holderSuite,
    presentation: await vc.signPresentation({
      presentation, suite: suiteFor(holderSuite, holder.signer),
      challenge: input.challenge, domain: input.domain, documentLoader
    })
  });
}
process.stdout.write(JSON.stringify({issuers, presentations}));
