// Measures did:ethr resolution with ethr-did-resolver 11.1.3 (through
// did-resolver 5, as applications use it) against a node behind the counting
// proxy of bench/ethrbench, for the comparison bench/run-ethr.sh prints.
//
// stdin: {"rpcUrl": "http://127.0.0.1:PORT", "chainId": 1337, "registry": "0x…",
//         "name": "dev", "n": 5, "dids": ["did:ethr:dev:0x…", …]}
// The proxy answers GET {rpcUrl}/__counters with {"requests": R, "calls": C}
// (HTTP requests and JSON-RPC calls, a batch counting each of its calls).
//
// Two configurations are measured per DID, each after one warm-up resolution:
//   default   the network configured by rpcUrl, as the README shows: ethers'
//             JsonRpcProvider with its default batching (it waits 10 ms to
//             collect a batch before each request)
//   tuned     a provider set up for this measurement: batchMaxCount 1 (no
//             wait), a static network (no eth_chainId per resolution) and
//             cacheTimeout -1 (ethers otherwise reuses the answer to an
//             identical request for 250 ms, which lets back-to-back
//             resolutions of one DID skip calls that separate resolutions
//             make)
//
// stdout: {"results": [{"did", "config", "n", "meanMs", "minMs",
//          "requestsPerResolution", "callsPerResolution", "error"?}]}

import {Resolver} from 'did-resolver-5';
import {getResolver} from 'ethr-did-resolver';
import {JsonRpcProvider, Network} from 'ethers';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function counters(rpcUrl) {
  const res = await fetch(new URL('/__counters', rpcUrl));
  if (!res.ok) throw new Error(`counters: HTTP ${res.status}`);
  return res.json();
}

async function measure(input, config, network) {
  const resolver = new Resolver(getResolver({networks: [network]}), {cache: false});
  const out = [];
  for (const did of input.dids) {
    const warm = await resolver.resolve(did);
    if (warm.didResolutionMetadata.error) {
      out.push({did, config, error: `${warm.didResolutionMetadata.error}: ${warm.didResolutionMetadata.message}`});
      continue;
    }
    const before = await counters(input.rpcUrl);
    let total = 0;
    let min = Infinity;
    for (let i = 0; i < input.n; i++) {
      const t0 = performance.now();
      const r = await resolver.resolve(did);
      const ms = performance.now() - t0;
      if (r.didResolutionMetadata.error) throw new Error(`${did}: ${r.didResolutionMetadata.error}`);
      total += ms;
      min = Math.min(min, ms);
    }
    const after = await counters(input.rpcUrl);
    out.push({
      did, config, n: input.n, meanMs: total / input.n, minMs: min,
      requestsPerResolution: (after.requests - before.requests) / input.n,
      callsPerResolution: (after.calls - before.calls) / input.n,
    });
  }
  return out;
}

async function main() {
  const input = await readStdin();
  const base = {name: input.name, chainId: input.chainId, registry: input.registry};
  const chain = Network.from(BigInt(input.chainId));
  const tuned = new JsonRpcProvider(input.rpcUrl, chain, {staticNetwork: chain, batchMaxCount: 1, cacheTimeout: -1});
  const results = [
    ...await measure(input, 'default', {...base, rpcUrl: input.rpcUrl}),
    ...await measure(input, 'tuned', {...base, provider: tuned}),
  ];
  tuned.destroy();
  await new Promise((resolve) => process.stdout.write(JSON.stringify({results}) + '\n', resolve));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`ethr.mjs: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
