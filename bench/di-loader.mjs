// The Data Integrity verification setup shared by di.mjs and
// verify-peers.mjs: an eddsa-rdfc-2022 suite for @digitalbazaar/vc, and a
// document loader that resolves did:key through
// @digitalbazaar/did-method-key and serves the contexts from a static map
// (anything else is refused).

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didMethodKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import diContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const didKeyDriver = didMethodKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from
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
    return {contextUrl: null, documentUrl: url,
      document: await didKeyDriver.get({url})};
  }
  throw new Error(`refused to load ${url}`);
}

export const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
