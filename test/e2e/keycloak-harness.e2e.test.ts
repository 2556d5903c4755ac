/** The harness itself: a Keycloak that cannot start is reported with the tail of its log. */
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { startKeycloak } from './keycloak-harness.js';

jest.setTimeout(300_000);

describe('startKeycloak', () => {
  it("fails with the tail of Keycloak's log when Keycloak exits during startup", async () => {
    const missing = '/nonexistent/kms-harness-test/tls.crt';
    expect(existsSync(missing)).toBe(false);
    const failure = startKeycloak({ timeoutMs: 240_000, tls: { caFile: missing, certFile: missing, keyFile: missing } });
    await expect(failure).rejects.toThrow(/Keycloak exited during startup; log .*keycloak\.log, last lines:\n[\s\S]*\/nonexistent\/kms-harness-test\/tls\.crt/);
  });
});
