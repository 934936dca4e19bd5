// OpenID4VP login for chainid's login page. No bundler, no inline script.
// On the login page it polls GET state?id=… and submits the continue form
// when the cross-device request has been answered; on the return page
// (same device) it reads #response_code=… from the address, which never
// reaches the server, and posts it with the form to finish.
'use strict';

(function () {
  const status = document.getElementById('vplogin-status');
  const show = (text) => { if (status) { status.textContent = text; } };

  const back = document.getElementById('vplogin-return');
  if (back) {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const code = params.get('response_code');
    history.replaceState(null, '', window.location.pathname + window.location.search);
    if (!code) {
      show('The wallet sent no response code. Go back to the login page and try again.');
      return;
    }
    back.elements.namedItem('response_code').value = code;
    back.submit();
    return;
  }

  const form = document.getElementById('vplogin');
  if (!form) {
    return;
  }
  const id = form.dataset.id;
  let delay = 1500;
  async function poll() {
    try {
      const resp = await fetch('state?id=' + encodeURIComponent(id), { credentials: 'same-origin', cache: 'no-store' });
      const body = await resp.json();
      if (!resp.ok) {
        show(body.error || 'The login cannot continue.');
        return;
      }
      switch (body.state) {
        case 'verified':
          show('Credential received. Signing in…');
          form.submit();
          return;
        case 'rejected':
          show('The presentation was refused. Reload the page to try again.');
          return;
        case 'expired':
          show('The request expired. Reload the page for a new one.');
          return;
      }
    } catch (e) {
      delay = Math.min(delay * 2, 15000);
    }
    setTimeout(poll, delay);
  }
  show('Waiting for the wallet…');
  setTimeout(poll, delay);
})();
