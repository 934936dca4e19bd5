// browser-vplogin.mjs drives Debian's chromium with playwright-core through a credential login: a relying
// party's "Sign in with chain identity" → chainid's login page → "Present a credential" → the page shows the
// QR code and polls. The script then prints {"requestUri": …} (the cross-device request the page shows) on
// one line and waits while the caller answers it with a wallet; the page continues by itself to the
// consent page, which the script approves, and back at the relying party it prints
// {"subject": …, "claims": …} on a second line.
//
// The relying party must show a link or button "Sign in with chain identity", and after the login the
// subject in #subject and the ID token's claims as JSON in #claims (as examples/webapp does).
//
// Usage: node browser-vplogin.mjs RP_URL [CHROMIUM_PATH]
import { chromium } from 'playwright-core'

const [rpURL, executablePath = '/usr/bin/chromium'] = process.argv.slice(2)
if (!rpURL) {
  process.stderr.write('usage: node browser-vplogin.mjs RP_URL [CHROMIUM_PATH]\n')
  process.exit(2)
}
const step = (s) => process.stderr.write(`browser-vplogin: ${s}\n`)

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'], timeout: 60000 })
try {
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  // Failed loads are reported with their address (a missing favicon does not count); console errors
  // about them would say no more.
  page.on('response', (r) => {
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') errors.push(`${r.status()} ${r.url()}`)
  })
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })

  step('open the relying party')
  await page.goto(rpURL)
  await page.click('text=Sign in with chain identity')
  await page.waitForURL((u) => u.pathname === '/oidc/login', { timeout: 15000 })
  step('provider login page: ' + page.url())
  await page.click('a:has-text("Present a credential")')
  await page.waitForSelector('#vplogin-qr')
  step('credential login page: ' + page.url())
  // The QR code is a real image (the CSP allows img-src 'self' only).
  await page.waitForFunction(() => {
    const img = document.getElementById('vplogin-qr')
    return img.complete && img.naturalWidth > 0
  }, null, { timeout: 10000 })
  // The script runs (no inline script, CSP script-src 'self') and polls.
  await page.waitForFunction(() => document.getElementById('vplogin-status').textContent.includes('Waiting'), null,
    { timeout: 10000 })
  const requestUri = (await page.textContent('details code')).trim()
  if (!requestUri.startsWith('openid4vp://')) {
    throw new Error('the page shows no openid4vp request URI: ' + requestUri)
  }
  process.stdout.write(JSON.stringify({ requestUri }) + '\n')
  step('waiting for the wallet')
  // Polling sees the verified presentation and submits the form: the consent page.
  await page.waitForURL((u) => u.pathname === '/oidc/consent', { timeout: 30000 }).catch(async (e) => {
    const status = await page.textContent('#vplogin-status').catch(() => '')
    throw new Error(`still on ${page.url()} (${status}): ${e.message}`)
  })
  step('consent page: ' + page.url())
  await page.click('button[value="approve"]')
  await page.waitForSelector('#subject', { timeout: 30000 })
  const subject = (await page.textContent('#subject')).trim()
  const claims = JSON.parse(await page.textContent('#claims'))
  if (errors.length > 0) {
    step('page errors: ' + errors.join('; '))
  }
  process.stdout.write(JSON.stringify({ subject, claims, errors }) + '\n')
} finally {
  await browser.close()
}
