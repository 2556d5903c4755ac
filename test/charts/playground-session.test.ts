/** The oauth2-proxy session timing and sign-out of the Playground (issue 9: fresh tokens by construction, sign-out ends the Keycloak session). */
import { describe, expect, it } from '@jest/globals';
import { parseStackConfig, StackConfigError } from '../../charts/config.js';
import { deriveModel } from '../../charts/model.js';
import { accessTokenLifespanOf, cookieRefreshFor, durationSeconds, maxCookieRefreshSeconds } from '../../charts/playground-session.js';
import { OAUTH2_PROXY_RELEASE } from '../../charts/oauth2-proxy-release.js';
import { chartObjects, one, referenceInput } from './stack-fixture.js';

const proxyArgs = (input = referenceInput()): string[] =>
  one(chartObjects('playground', input), 'Deployment').spec.template.spec.containers.find((c: { name: string }) => c.name === 'oauth2-proxy').args;
const withLifespan = (seconds: number) => {
  const c = referenceInput();
  c.realm = { ...c.realm, settings: { ...c.realm.settings, accessTokenLifespan: seconds } };
  return c;
};
const problems = (input: unknown) => {
  try {
    parseStackConfig(input);
    return [];
  } catch (e) {
    if (!(e instanceof StackConfigError)) throw e;
    return e.problems.map((p) => `${p.path}: ${p.reason}`);
  }
};

describe('cookie refresh from the access-token lifespan', () => {
  it('keeps min(60 s, lifespan/2) of every token: 300 s -> 240 s, 60 s -> 30 s, 31 s -> 16 s', () => {
    expect([300, 60, 31, 3600].map(maxCookieRefreshSeconds)).toEqual([240, 30, 16, 3540]);
    for (const l of [2, 5, 30, 45, 60, 61, 300, 1800]) {
      expect(maxCookieRefreshSeconds(l)).toBeLessThan(l);
      expect(maxCookieRefreshSeconds(l)).toBeGreaterThanOrEqual(1);
    }
    expect(cookieRefreshFor(300)).toBe('240s');
  });

  it("reads the client override, then the realm setting, then Keycloak's 300 s", () => {
    const realm = deriveModel(referenceInput()).realm;
    expect(accessTokenLifespanOf(realm, 'mcp-client')).toBe(300);
    expect(accessTokenLifespanOf({ ...realm, settings: { accessTokenLifespan: 45 } }, 'mcp-client')).toBe(45);
    const clients = realm.clients.map((c) => (c.clientId === 'mcp-client' ? { ...c, attributes: { ...c.attributes, 'access.token.lifespan': '90' } } : c));
    expect(accessTokenLifespanOf({ ...realm, clients, settings: { accessTokenLifespan: 45 } }, 'mcp-client')).toBe(90);
  });

  it('the synthesized sidecar refreshes below the realm lifespan (default and short)', () => {
    expect(proxyArgs()).toContain('--cookie-refresh=240s');
    expect(proxyArgs(withLifespan(40))).toContain('--cookie-refresh=20s');
    const args = proxyArgs(withLifespan(40));
    expect(args.filter((a) => a.startsWith('--cookie-refresh'))).toHaveLength(1);
  });

  it('a cookieRefresh at or above what the lifespan allows is a config error naming the field and the fix', () => {
    const c = withLifespan(300);
    c.playground = { ...c.playground, cookieRefresh: '14m' };
    expect(problems(c)).toEqual([
      expect.stringMatching(/^playground\.cookieRefresh: 14m lets oauth2-proxy forward expired tokens: .*live 300s.*set "240s" or omit it/),
    ]);
    c.playground = { ...c.playground, cookieRefresh: '4m' };
    expect(problems(c)).toEqual([]);
    expect(deriveModel(c).playground.cookieRefresh).toBe('4m');
  });

  it('a cookieExpire not longer than the refresh interval is a config error', () => {
    const c = referenceInput();
    c.playground = { ...c.playground, cookieExpire: '4m' };
    expect(problems(c)).toEqual([expect.stringMatching(/^playground\.cookieExpire: must be longer than the refresh interval \(240s\)/)]);
  });

  it('durations are whole s/m/h', () => {
    expect(['90s', '4m', '1h'].map(durationSeconds)).toEqual([90, 240, 3600]);
    expect(() => durationSeconds('1.5h')).toThrow(/duration/);
  });
});

describe('proxy hardening', () => {
  it('trusts X-Forwarded-* only from the router network, one flag per CIDR', () => {
    expect(proxyArgs().filter((a) => a.startsWith('--trusted-proxy-ip='))).toEqual(['--trusted-proxy-ip=10.128.0.0/14']);
    const c = referenceInput();
    c.playground = { ...c.playground, trustedProxyCidrs: ['10.200.0.0/16', '192.168.10.0/24'] };
    expect(proxyArgs(c).filter((a) => a.startsWith('--trusted-proxy-ip='))).toEqual(['--trusted-proxy-ip=10.200.0.0/16', '--trusted-proxy-ip=192.168.10.0/24']);
    c.playground = { ...c.playground, trustedProxyCidrs: ['router'] };
    expect(problems(c)).toEqual([expect.stringMatching(/^playground\.trustedProxyCidrs\[0\]: expected a CIDR/)]);
  });

  it('sign-out calls the realm end-session endpoint with the session ID token', () => {
    const m = deriveModel(referenceInput());
    expect(m.oidc.endSessionEndpoint).toBe(`${m.oidc.issuer}/protocol/openid-connect/logout`);
    expect(proxyArgs()).toContain(`--backend-logout-url=${m.oidc.endSessionEndpoint}?id_token_hint={id_token}`);
  });

  it('the Playground client registers the Playground origin as its post-logout redirect URI', () => {
    const m = deriveModel(referenceInput());
    const client = m.realm.clients.find((c) => c.clientId === 'mcp-client')!;
    expect(m.playground.postLogoutRedirectUri).toBe(`https://${m.hosts.playground}/`);
    expect(client.attributes['post.logout.redirect.uris']).toBe(`https://${m.hosts.playground}/`);
    const other = m.realm.clients.find((c) => c.clientId === 'openshift-console')!;
    expect(other.attributes['post.logout.redirect.uris']).toBeUndefined();
  });

  it('sessions are cookie-stored, explicitly', () => {
    expect(proxyArgs()).toContain('--session-store-type=cookie');
  });

  it('the sidecar image is the pinned release the e2e builds', () => {
    const image = one(chartObjects('playground'), 'Deployment').spec.template.spec.containers.find((c: { name: string }) => c.name === 'oauth2-proxy').image;
    expect(image).toBe(`${OAUTH2_PROXY_RELEASE.image}:${OAUTH2_PROXY_RELEASE.version}`);
    expect(OAUTH2_PROXY_RELEASE.version).not.toBe('v7.8.1');
  });
});
