// Issues Data Integrity credentials with @digitalbazaar/vc for our verifier:
// a fresh did:key issuer (Ed25519 Multikey for eddsa-rdfc-2022, P-256 for
// ecdsa-rdfc-2019) and a presentation signed by the holder with a challenge
// and domain.
//
// stdin:  {"count": N, "challenge", "domain"}
// stdout: {"credentials": [VC, …], "presentation": VP without credentials,
//          "presentationWithCredential": VP embedding the first credential}

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

const input = await readStdin();
const credentials = [];
for(let i = 0; i < (input.count || 1); i++) {
  for(const cryptosuite of ['eddsa-rdfc-2022', 'ecdsa-rdfc-2019']) {
    const keyPair = cryptosuite === 'eddsa-rdfc-2022' ?
      await Ed25519Multikey.generate() :
      await EcdsaMultikey.generate({curve: 'P-256'});
    const issuer = await identity(keyPair);
    const credential = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: `urn:uuid:0c07c1ce-57cb-41af-bef2-1b932b98600${i}`,
      type: ['VerifiableCredential'],
      issuer: issuer.did,
      validFrom: '2025-01-01T00:00:00Z',
      credentialSubject: {id: 'did:example:subject', name: `Alice ${i}`}
    };
    credentials.push(await vc.issue({
      credential, suite: suiteFor(cryptosuite, issuer.signer), documentLoader
    }));
  }
}
const holder = await identity(await Ed25519Multikey.generate());
async function present(verifiableCredential) {
  const presentation = vc.createPresentation({
    verifiableCredential, holder: holder.did
  });
  return vc.signPresentation({
    presentation, suite: suiteFor('eddsa-rdfc-2022', holder.signer),
    challenge: input.challenge, domain: input.domain, documentLoader
  });
}
process.stdout.write(JSON.stringify({
  credentials,
  presentation: await present(undefined),
  presentationWithCredential: await present([credentials[0]])
}));
