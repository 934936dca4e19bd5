// browser-siwe.mjs drives Debian's chromium with playwright-core through a complete "Sign in with chain
// identity" login: the example web app (examples/webapp) → chainid's login page → "Sign in with Ethereum"
// (an injected EIP-1193 provider whose personal_sign is an ethers Wallet in node) → consent → back in
// the app, signed in. It prints {"subject": …, "claims": …} on success.
//
// Usage: node browser-siwe.mjs WEBAPP_URL PRIVATE_KEY_HEX CHAIN_ID [CHROMIUM_PATH]
import { chromium } from 'playwright-core'
import { Wallet, getBytes } from 'ethers'

const [appURL, key, chainId, executablePath = '/usr/bin/chromium'] = process.argv.slice(2)
if (!appURL || !key || !chainId) {
  process.stderr.write('usage: node browser-siwe.mjs WEBAPP_URL PRIVATE_KEY_HEX CHAIN_ID [CHROMIUM_PATH]\n')
  process.exit(2)
}
const wallet = new Wallet(key)
const step = (s) => process.stderr.write(`browser-siwe: ${s}\n`)

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'], timeout: 60000 })
try {
  const context = await browser.newContext()
  // The wallet: signing happens in node, the page sees a plain EIP-1193 provider.
  await context.exposeBinding('__testWalletSign', async (_source, hexMessage) => wallet.signMessage(getBytes(hexMessage)))
  await context.addInitScript(({ address, chainHex }) => {
    window.ethereum = {
      isTestWallet: true,
      async request({ method, params }) {
        switch (method) {
          case 'eth_requestAccounts':
          case 'eth_accounts':
            return [address.toLowerCase()]
          case 'eth_chainId':
            return chainHex
          case 'personal_sign':
            if (!params || params[1].toLowerCase() !== address.toLowerCase()) {
              throw new Error('personal_sign for an unknown account')
            }
            return window.__testWalletSign(params[0])
          default:
            throw new Error('unsupported method ' + method)
        }
      },
    }
  }, { address: wallet.address, chainHex: '0x' + BigInt(chainId).toString(16) })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })

  step('open the app')
  await page.goto(appURL)
  await page.click('text=Sign in with chain identity')
  step('provider login page: ' + page.url())
  await page.click('a:has-text("Sign in with Ethereum")')
  await page.waitForSelector('#siwe-button')
  step('siwe page: ' + page.url())
  await page.click('#siwe-button')
  // The script signs and is sent to the consent page.
  await page.waitForURL((u) => !u.pathname.startsWith('/siwe/'), { timeout: 30000 }).catch(async (e) => {
    const status = await page.textContent('#siwe-status').catch(() => '')
    throw new Error(`still on the SIWE page (${status}): ${e.message}`)
  })
  step('consent page: ' + page.url())
  await page.click('button[value="approve"]')
  await page.waitForSelector('#subject', { timeout: 30000 })
  const subject = (await page.textContent('#subject')).trim()
  const claims = JSON.parse(await page.textContent('#claims'))
  if (errors.length > 0) {
    step('page errors: ' + errors.join('; '))
  }
  process.stdout.write(JSON.stringify({ subject, claims, address: wallet.address }) + '\n')
} finally {
  await browser.close()
}
