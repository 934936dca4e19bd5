// Sign-In with Ethereum (EIP-4361) for chainid's login page. No bundler, no
// inline script: the page loads this file and it talks to the wallet through
// EIP-1193 (window.ethereum) and to the server through /siwe/nonce and
// /siwe/login, the same endpoints a script with a key uses.
'use strict';

(function () {
  const form = document.getElementById('siwe');
  const button = document.getElementById('siwe-button');
  const status = document.getElementById('siwe-status');
  const didInput = document.getElementById('siwe-did');
  if (!form || !button || !status) {
    return;
  }
  const show = (text) => { status.textContent = text; };

  // message builds the EIP-4361 text from the server's challenge.
  function message(c, address, did) {
    let m = (c.scheme ? c.scheme + '://' : '') + c.domain +
      ' wants you to sign in with your Ethereum account:\n' + address + '\n\n';
    if (c.statement) {
      m += c.statement + '\n';
    }
    m += '\nURI: ' + c.uri +
      '\nVersion: ' + c.version +
      '\nChain ID: ' + c.chainId +
      '\nNonce: ' + c.nonce +
      '\nIssued At: ' + c.issuedAt;
    if (c.expirationTime) {
      m += '\nExpiration Time: ' + c.expirationTime;
    }
    if (c.requestId) {
      m += '\nRequest ID: ' + c.requestId;
    }
    if (did) {
      m += '\nResources:\n- ' + did;
    }
    return m;
  }

  function utf8Hex(text) {
    const bytes = new TextEncoder().encode(text);
    let hex = '0x';
    for (const b of bytes) {
      hex += b.toString(16).padStart(2, '0');
    }
    return hex;
  }

  async function problem(res) {
    try {
      const p = await res.json();
      return p.detail || p.title || ('HTTP ' + res.status);
    } catch (e) {
      return 'HTTP ' + res.status;
    }
  }

  async function signIn() {
    const eth = window.ethereum;
    if (!eth || typeof eth.request !== 'function') {
      show('No Ethereum wallet found in this browser.');
      return;
    }
    button.disabled = true;
    try {
      show('Connecting to your wallet…');
      const accounts = await eth.request({ method: 'eth_requestAccounts' });
      if (!accounts || accounts.length === 0) {
        throw new Error('the wallet shared no account');
      }
      const chainHex = await eth.request({ method: 'eth_chainId' });
      const chainId = BigInt(chainHex).toString(10);
      const q = new URLSearchParams({ id: form.dataset.id, address: accounts[0], chainId: chainId });
      const nonceRes = await fetch('nonce?' + q.toString(), { credentials: 'same-origin', cache: 'no-store' });
      if (!nonceRes.ok) {
        throw new Error(await problem(nonceRes));
      }
      const c = await nonceRes.json();
      const did = didInput ? didInput.value.trim() : '';
      const text = message(c, c.address, did);
      show('Please sign the message in your wallet…');
      const signature = await eth.request({ method: 'personal_sign', params: [utf8Hex(text), accounts[0]] });
      show('Checking the signature…');
      const res = await fetch('login', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ id: form.dataset.id, message: text, signature: signature, did: did }),
      });
      if (!res.ok) {
        throw new Error(await problem(res));
      }
      const done = await res.json();
      show('Signed in as ' + done.subject);
      window.location.assign(done.redirect);
    } catch (err) {
      show('Sign-in failed: ' + (err && err.message ? err.message : String(err)));
      button.disabled = false;
    }
  }

  button.addEventListener('click', () => { signIn(); });
}());
