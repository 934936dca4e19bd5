// Drives chainid's OpenID Provider with openid-client as the relying party.
// Input (env): ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI.
// Protocol on stdio, one JSON object per line:
//   out {"authorize": URL}        the Go test runs the browser part …
//   in  {"callback": URL}         … and hands back the redirect it got
//   out {"sub", "claims", "userinfo", "replay"}  the result
import * as client from 'openid-client';
import * as readline from 'node:readline';

const { ISSUER, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI } = process.env;
const config = await client.discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined, {
  execute: [client.allowInsecureRequests], // loopback test server
});
const verifier = client.randomPKCECodeVerifier();
const challenge = await client.calculatePKCECodeChallenge(verifier);
const state = client.randomState();
const nonce = client.randomNonce();
const authorize = client.buildAuthorizationUrl(config, {
  redirect_uri: REDIRECT_URI,
  scope: 'openid age_over_18',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  state,
  nonce,
});
process.stdout.write(JSON.stringify({ authorize: authorize.href }) + '\n');

const rl = readline.createInterface({ input: process.stdin });
const line = await new Promise((resolve) => rl.once('line', resolve));
rl.close();
const { callback } = JSON.parse(line);

const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true };
const tokens = await client.authorizationCodeGrant(config, new URL(callback), checks);
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
let replay = 'accepted';
try {
  await client.authorizationCodeGrant(config, new URL(callback), checks);
} catch (e) {
  replay = e.error ?? e.code ?? String(e);
}
process.stdout.write(JSON.stringify({ sub: claims.sub, claims, userinfo, replay }) + '\n');
