/**
 * `kube-mcp-stack realm plan|apply` as a process: each failure exits 1 with one specific
 * line on stderr. (Runs against the harness's Keycloak; Secrets need a kube-apiserver,
 * so the happy path is covered through the library in the other realm tests.)
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import referenceConfig from '../../examples/reference.config.js';
import { generateTlsMaterial } from './keycloak-harness.js';
import { keycloak } from './realm-fixture.js';

jest.setTimeout(120_000);

/** `kube-mcp-stack realm <args>` from the repository root; the example config unless `--config` is given (the default is ./stack.config.ts). */
function cli(args: string[], env: Record<string, string> = {}) {
  const withConfig = args.includes('--config') || args.includes('--help') ? args : [...args, '--config', 'examples/reference.config.ts'];
  const r = spawnSync(process.execPath, ['bin/kube-mcp-stack.js', 'realm', ...withConfig], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: '/nonexistent/kubeconfig', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

describe('kube-mcp-stack realm', () => {
  const admin = () => ({ KEYCLOAK_ADMIN_USERNAME: keycloak().adminUsername, KEYCLOAK_ADMIN_PASSWORD: keycloak().adminPassword });

  it('documents plan and apply in --help', () => {
    const plan = cli(['plan', '--help']);
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/exit 2 on drift, 0 when\s+none/);
    expect(cli(['apply', '--help']).stdout).toContain('--generate-missing');
  });

  it('names an unreachable Keycloak', () => {
    const r = cli(['plan', '--url', 'https://127.0.0.1:2'], admin());
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('kube-mcp-stack realm plan: Keycloak unreachable at https://127.0.0.1:2 (ECONNREFUSED)');
  });

  it('names a TLS failure and the CA it used', () => {
    const without = cli(['plan', '--url', keycloak().baseUrl], admin());
    expect(without.status).toBe(1);
    expect(without.stderr).toMatch(
      /^kube-mcp-stack realm plan: TLS failure connecting to https:\/\/127\.0\.0\.1:\d+: certificate not trusted with the system CAs \(pass --ca-file <pem> for a private CA\) \(\w+\)$/,
    );

    const otherCa = generateTlsMaterial(mkdtempSync(join(tmpdir(), 'kms-other-ca-'))).caFile;
    const wrong = cli(['plan', '--url', keycloak().baseUrl, '--ca-file', otherCa], admin());
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`certificate not trusted with CA file ${otherCa}`);
  });

  it('names bad admin credentials', () => {
    const r = cli(['apply', '--url', keycloak().baseUrl, '--ca-file', keycloak().caFile], {
      KEYCLOAK_ADMIN_USERNAME: 'admin',
      KEYCLOAK_ADMIN_PASSWORD: 'not-the-password',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('kube-mcp-stack realm apply: bad admin credentials: Keycloak rejected user "admin" in realm master (HTTP 401)');
  });

  it('names a client scope the model references but nobody declares, before contacting Keycloak', () => {
    const config = structuredClone(referenceConfig) as { realm: { clients: { clientId: string; optionalClientScopes?: string[] }[] } };
    config.realm.clients.find((c) => c.clientId === 'mcp-server')!.optionalClientScopes = ['mcp:openshift', 'mcp:nowhere'];
    const file = join(mkdtempSync(join(tmpdir(), 'kms-config-')), 'stack.json');
    writeFileSync(file, JSON.stringify(config));
    const r = cli(['plan', '--config', file, '--url', 'https://127.0.0.1:2'], admin());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('realm.clients[1].optionalClientScopes[1]');
    expect(r.stderr).toContain('unknown client scope "mcp:nowhere"');
  });

  it('names the kubeconfig it could not load when Secrets must be read', () => {
    const r = cli(['plan', '--url', keycloak().baseUrl, '--ca-file', keycloak().caFile], admin());
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^kube-mcp-stack realm plan: cannot load kubeconfig \/nonexistent\/kubeconfig to read Secrets: ENOENT/);
  });
});
