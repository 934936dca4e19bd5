// Drives chainid's OpenID Provider with openid-client as the relying party,
// in two runs (internal/nodetest: JSON on stdin, JSON on stdout); the Go
// test plays the browser in between.
//   {"step": "authorize", issuer, clientId, clientSecret, redirectUri}
//     → {authorize, verifier, state, nonce}
//   {"step": "callback", issuer, clientId, clientSecret, callback, verifier, state, nonce}
//     → {sub, claims, userinfo, replay}
import * as client from 'openid-client';
import { readStdin } from './stdio.mjs';

const input = await readStdin();
const config = await client.discovery(new URL(input.issuer), input.clientId, input.clientSecret, undefined, {
  execute: [client.allowInsecureRequests], // loopback test server
});

if (input.step === 'authorize') {
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const authorize = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: 'openid age_over_18',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  process.stdout.write(JSON.stringify({ authorize: authorize.href, verifier, state, nonce }) + '\n');
} else {
  const checks = {
    pkceCodeVerifier: input.verifier,
    expectedState: input.state,
    expectedNonce: input.nonce,
    idTokenExpected: true,
  };
  const callback = new URL(input.callback);
  const tokens = await client.authorizationCodeGrant(config, callback, checks);
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  let replay = 'accepted';
  try {
    await client.authorizationCodeGrant(config, callback, checks);
  } catch (e) {
    replay = e.error ?? e.code ?? String(e);
  }
  process.stdout.write(JSON.stringify({ sub: claims.sub, claims, userinfo, replay }) + '\n');
}
