// Shared setup of the Data Integrity interop scripts (di-verify.mjs,
// di-issue.mjs, vp-di-issue.mjs): the peer suites, a static document loader
// that serves the pinned context packages and did:key documents, and
// nothing else, and fresh did:key identities that issue and present.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as didMethodKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import diContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';

export {vc, DataIntegrityProof, eddsaRdfc2022, ecdsaRdfc2019, Ed25519Multikey,
  EcdsaMultikey};

export const didKeyDriver = didMethodKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from
});
didKeyDriver.use({
  multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from
});

const staticContexts = new Map([
  ...credentialsContexts,
  ...diContext.contexts,
  [multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT]
]);

export async function documentLoader(url) {
  if(staticContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: staticContexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKeyDriver.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refused to load ${url}: not in the static loader`);
}

export function suiteFor(cryptosuite, signer) {
  const cs = {
    'eddsa-rdfc-2022': eddsaRdfc2022,
    'ecdsa-rdfc-2019': ecdsaRdfc2019
  }[cryptosuite];
  if(!cs) {
    throw new Error(`unsupported cryptosuite ${cryptosuite}`);
  }
  return new DataIntegrityProof({signer, cryptosuite: cs});
}

// newIdentity returns a fresh did:key identity for a cryptosuite (Ed25519
// Multikey for eddsa-rdfc-2022, P-256 for ecdsa-rdfc-2019) as {did, signer}.
export async function newIdentity(cryptosuite) {
  const keyPair = cryptosuite === 'eddsa-rdfc-2022' ?
    await Ed25519Multikey.generate() :
    await EcdsaMultikey.generate({curve: 'P-256'});
  const {didDocument} = await didKeyDriver.fromKeyPair({
    verificationKeyPair: keyPair
  });
  keyPair.id = didDocument.assertionMethod[0];
  keyPair.controller = didDocument.id;
  return {did: didDocument.id, signer: keyPair.signer()};
}

// issue signs a VC 2.0 credential (valid from 2025-01-01) with id about
// subject by issuer, a newIdentity of cryptosuite.
export function issue(issuer, cryptosuite, id, credentialSubject) {
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id,
    type: ['VerifiableCredential'],
    issuer: issuer.did,
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject
  };
  return vc.issue({
    credential, suite: suiteFor(cryptosuite, issuer.signer), documentLoader
  });
}

// present signs, as holder (a newIdentity of cryptosuite), a presentation
// of verifiableCredential (undefined for none) for challenge and domain.
export function present(holder, cryptosuite, verifiableCredential,
  {challenge, domain}) {
  const presentation = vc.createPresentation({
    verifiableCredential, holder: holder.did
  });
  return vc.signPresentation({
    presentation, suite: suiteFor(cryptosuite, holder.signer),
    challenge, domain, documentLoader
  });
}

export function verifySuites() {
  return [suiteFor('eddsa-rdfc-2022'), suiteFor('ecdsa-rdfc-2019')];
}

export function errorText(result) {
  if(result.verified) {
    return '';
  }
  const errs = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    errs.push(e.message || String(e));
    walk(e.errors);
  };
  walk(result.error);
  for(const r of result.results || []) {
    walk(r.error);
  }
  for(const r of result.credentialResults || []) {
    walk(r.error);
  }
  return errs.join('; ') || 'not verified';
}
