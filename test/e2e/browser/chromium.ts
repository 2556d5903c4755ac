/**
 * Headless Debian Chromium (playwright-core) for the browser suites: launched with the flags a
 * quiet CI run needs and a host-resolver rule mapping a Route host to the loopback TLS front
 * (test/e2e/browser/edge-route.ts), plus the Keycloak login form step.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

/** Chromium from Debian (.ci/run installs it); `KMS_CHROMIUM` points elsewhere. */
export const CHROMIUM = process.env.KMS_CHROMIUM ?? '/usr/bin/chromium';

/** Launches Chromium with `routeHost` resolved to `127.0.0.1:<frontPort>`. */
export function launchChromium(routeHost: string, frontPort: number): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${routeHost} 127.0.0.1:${frontPort}`,
    ],
  });
}

/** Fills and submits the Keycloak login form the page shows (`#username`, `#password`, `#kc-login`). */
export async function submitKeycloakLogin(page: Page, username: string, password: string): Promise<void> {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#kc-login');
}
