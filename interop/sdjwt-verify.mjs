// Verifies a chainid SD-JWT VC (with or without a Key Binding JWT) with
// @sd-jwt/sd-jwt-vc, the OpenWallet Foundation TypeScript implementation.
//
// stdin:  {"sdjwt": "...", "issuerJwk": {public JWK}, "nonce": "..." (only
//          with key binding; the KB-JWT is then required and checked against
//          the cnf.jwk holder key), "now": unix seconds}
// stdout: {"ok": true, "payload": {processed claims}, "header": {...},
//          "keyBound": bool} or {"ok": false, "error": "..."} (exit 1)

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {algOf, digest, kbVerifier, verifier} from './sdjwt-common.mjs';
import {readStdin} from './stdio.mjs';

const input = await readStdin();
try {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier: verifier(input.issuerJwk, algOf(input.issuerJwk)),
    kbVerifier,
  });
  const options = {currentDate: input.now};
  if (input.nonce) options.keyBindingNonce = input.nonce;
  const res = await sdjwt.verify(input.sdjwt, options);
  console.log(JSON.stringify({ok: true, payload: res.payload, header: res.header, keyBound: Boolean(res.kb)}));
} catch (e) {
  console.log(JSON.stringify({ok: false, error: String(e?.message ?? e)}));
  process.exit(1);
}
