// Resolves did:ethr DIDs with the reference resolver, ethr-did-resolver
// (through did-resolver 5's Resolver), and prints every full resolution
// result, so the Go conformance tests (did/ethr/conformance) can compare them
// with ours.
//
// stdin: {"rpcUrl": "http://127.0.0.1:8545", "chainId": 1337,
//         "registry": "0x…", "name": "dev",
//         "dids": ["did:ethr:dev:0x…", "did:ethr:dev:0x…?versionId=7", …],
//         "versionIds": ["3", "12"],                      (optional)
//         "now": 1767225600}                              (optional)
// Every entry of dids is resolved as given (a DID URL's ?versionId= selects a
// version), and once more for each of versionIds (as DID?versionId=V).
// "now" (Unix seconds) sets the clock the reference checks validTo against
// for the latest version: JavaScript's clock is shifted so that it reads
// "now" when resolution starts and runs on from there. It lets a test give
// both resolvers the same instant on a chain whose block times run ahead of
// the wall clock (a revoked delegate stays valid until its block time has
// passed).
//
// stdout: {"results": [{"did": DID, "versionId": V or null, "result":
//          {"didResolutionMetadata", "didDocument", "didDocumentMetadata"}}]}
// in input order. A resolution error is part of a result
// (didResolutionMetadata.error), not a failure of the script; a thrown
// exception is reported as {"error": message} in place of "result".

import {Resolver} from 'did-resolver-5';
import {getResolver} from 'ethr-did-resolver';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// shiftClock makes argument-less `new Date()` and Date.now() read
// nowSeconds now and advance in real time from there.
function shiftClock(nowSeconds) {
  const RealDate = Date;
  const offset = nowSeconds * 1000 - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() { return RealDate.now() + offset; }
  }
  globalThis.Date = ShiftedDate;
}

async function main() {
  const input = await readStdin();
  for (const field of ['rpcUrl', 'chainId', 'registry', 'name', 'dids']) {
    if (input[field] === undefined) throw new Error(`missing input field ${field}`);
  }
  if (input.now !== undefined) shiftClock(Number(input.now));
  const resolver = new Resolver(getResolver({
    networks: [{
      name: input.name,
      chainId: input.chainId,
      rpcUrl: input.rpcUrl,
      registry: input.registry,
    }],
  }), {cache: false});

  const queries = [];
  for (const did of input.dids) {
    queries.push({did, versionId: null, url: did});
    for (const v of input.versionIds ?? []) {
      queries.push({did, versionId: String(v), url: `${did}?versionId=${encodeURIComponent(v)}`});
    }
  }
  const results = [];
  for (const q of queries) {
    try {
      const result = await resolver.resolve(q.url);
      results.push({did: q.did, versionId: q.versionId, result});
    } catch (e) {
      results.push({did: q.did, versionId: q.versionId, error: String(e?.message ?? e)});
    }
  }
  // Exit only once stdout is flushed: writes to a pipe are asynchronous.
  await new Promise((resolve) => process.stdout.write(JSON.stringify({results}) + '\n', resolve));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`ethr.mjs: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
