// Measures Data Integrity credential verifications per second with
// @digitalbazaar/vc 7.3.0 and the eddsa-rdfc-2022 cryptosuite, for the same
// work as the Go benchmark BenchmarkVerifyFixture in credentials/dataintegrity:
// verify credentials/dataintegrity/testdata/bench-credential.json (a did:key
// issuer, resolved through @digitalbazaar/did-method-key; contexts from a
// static loader).
//
// usage: node di.mjs FILE [seconds]
// prints {"verifications": N, "seconds": S, "per_second": N/S}

import fs from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didMethodKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import diContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const credential = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const seconds = Number(process.argv[3] || 2);

const didKeyDriver = didMethodKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from
});
const staticContexts = new Map([
  ...credentialsContexts,
  ...diContext.contexts,
  [multikeyContext.CONTEXT_URL, multikeyContext.CONTEXT]
]);
async function documentLoader(url) {
  if(staticContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: staticContexts.get(url)};
  }
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url,
      document: await didKeyDriver.get({url})};
  }
  throw new Error(`refused to load ${url}`);
}
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

async function once() {
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  if(!result.verified) {
    throw new Error('peer did not verify the credential: ' +
      JSON.stringify(result.error?.message || result));
  }
}

for(let i = 0; i < 20; i++) {
  await once(); // warm up
}
let n = 0;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(seconds * 1e9));
while(process.hrtime.bigint() < end) {
  await once();
  n++;
}
const s = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({verifications: n, seconds: s, per_second: n / s}) + '\n');
