// Headless Chromium for `npm run test:browser` (Debian's chromium through puppeteer-core): the test's host names
// mapped to 127.0.0.1 by --host-resolver-rules (no /etc/hosts), and the test CA's server key trusted by its SPKI
// hash (--ignore-certificate-errors-spki-list), in a throw-away profile per launch. NETLOG=FILE writes Chromium's
// net log there (which sockets it opened and why).

import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Launches Chromium resolving every `*.example.test` name to 127.0.0.1 and trusting the key `spkiHash`. */
export function launchChromium(spkiHash: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // The test may run as root (containers), where Chromium's sandbox cannot start.
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP *.example.test 127.0.0.1',
      `--ignore-certificate-errors-spki-list=${spkiHash}`,
      // No QUIC, no background traffic: every connection counted is one the page opened.
      '--disable-quic',
      '--disable-background-networking',
      '--no-first-run',
      ...(process.env.NETLOG
        ? [`--log-net-log=${process.env.NETLOG}`, '--net-log-capture-mode=Default']
        : []),
    ],
  });
}
