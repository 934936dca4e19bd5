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
import {documentLoader, suite} from './di-loader.mjs';

const credential = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const seconds = Number(process.argv[3] || 2);

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
