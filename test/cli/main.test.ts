/** `kube-mcp-stack realm plan|apply --url`: a bad URL is refused up front, naming the option and the expected form. */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { main } from '../../cli/main.js';
import { parseKeycloakUrl } from '../../cli/realm.js';

afterEach(() => {
  jest.restoreAllMocks();
});

/** Runs the CLI with `args`, returning its exit code and what it wrote to stderr. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(['node', 'kube-mcp-stack', ...args]);
  return { code, stderr };
}

describe('--version', () => {
  it.each(['--version', '-V'])('kube-mcp-stack %s prints the package version and exits 0', async (flag) => {
    let stdout = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const { code } = await cli([flag]);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('realm --url', () => {
  it.each(['plan', 'apply'])('realm %s --url notaurl exits 1 naming --url and the expected form, before reading any config', async (action) => {
    const r = await cli(['realm', action, '--url', 'notaurl', '--config', '/nonexistent/config.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("option '--url <url>' argument 'notaurl' is invalid");
    expect(r.stderr).toContain('not an absolute URL; expected the Keycloak base URL, e.g. https://keycloak.apps.example.com');
    expect(r.stderr).not.toContain('/nonexistent/config.ts');
  });

  it.each([
    ['ftp://keycloak.example.com', /scheme must be https/],
    ['https://keycloak.example.com/?x=1', /query or fragment/],
    ['https://keycloak.example.com/realms/openshift', /\/realms\/… path is not allowed/],
  ])('refuses %s', (url, message) => {
    expect(() => parseKeycloakUrl(url)).toThrow(message);
  });

  it('accepts a base URL (also with a path prefix) and drops a trailing slash', () => {
    expect(parseKeycloakUrl('https://keycloak.apps.example.com/')).toBe('https://keycloak.apps.example.com');
    expect(parseKeycloakUrl('http://localhost:8080/auth')).toBe('http://localhost:8080/auth');
  });
});
