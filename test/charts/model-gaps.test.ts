/**
 * Configs that would synthesize into broken tokens are refused at synth, naming the field and
 * the fix, and write nothing to dist/: an undeclared `${X}` placeholder in a realm value, a
 * client whose pinned default scopes lack `basic`, `usernameClaim: 'email'`.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { StackConfigError } from '../../charts/config.js';
import { synthesizeStackTo } from '../../charts/synth.js';
import { referenceInput } from './stack-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'kms-model-gaps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The problems synth reports for `input` (and that dist/ stayed empty). */
function problemsOf(input: unknown): { path: string; reason: string }[] {
  const outdir = join(work, `dist-${Math.random().toString(36).slice(2)}`);
  mkdirSync(outdir);
  try {
    synthesizeStackTo(input as never, outdir);
  } catch (e) {
    expect(e).toBeInstanceOf(StackConfigError);
    expect(readdirSync(outdir)).toEqual([]);
    return [...(e as StackConfigError).problems];
  }
  throw new Error('synth accepted the config');
}

const clientIndex = (c: { realm: { clients: { clientId: string }[] } }, id: string) => c.realm.clients.findIndex((x) => x.clientId === id);

describe('an undeclared ${X} placeholder in a realm value', () => {
  it('is refused on the value, naming the placeholder and the fix', () => {
    const c = referenceInput();
    const i = clientIndex(c, 'mcp-server');
    c.realm.clients[i].redirectUris = ['https://${MCP_HOST}/callback'];
    expect(problemsOf(c)).toContainEqual({
      path: `realm.clients[${i}].redirectUris[0]`,
      reason: expect.stringMatching(
        /^"\$\{MCP_HOST\}" is a placeholder that spec.placeholders does not declare, so the Keycloak operator would leave it literal; for a secret value use a Secret reference/,
      ),
    });
  });

  it('is found in nested attributes too', () => {
    const c = referenceInput();
    c.realm.clientScopes[0].attributes = { ...c.realm.clientScopes[0].attributes, 'consent.screen.text': 'hello ${who}' };
    expect(problemsOf(c).map((p) => p.path)).toContain('realm.clientScopes[0].attributes.consent.screen.text');
  });
});

describe('pinned default client scopes without basic', () => {
  it('are refused on the client, saying its tokens would carry no sub', () => {
    const c = referenceInput();
    const i = clientIndex(c, 'openshift-cli');
    c.realm.clients[i].defaultClientScopes = ['profile', 'groups'];
    expect(problemsOf(c)).toContainEqual({
      path: `realm.clients[${i}].defaultClientScopes`,
      reason: expect.stringContaining('pins default client scopes without "basic", so Keycloak 26 puts no "sub" in "openshift-cli"\'s tokens'),
    });
  });
});

describe("usernameClaim: 'email'", () => {
  it('is refused (no email_verified rule is emitted), naming the alternatives', () => {
    const c = referenceInput();
    c.clusterAuth = { ...c.clusterAuth, usernameClaim: 'email' };
    expect(problemsOf(c)).toContainEqual({
      path: 'clusterAuth.usernameClaim',
      reason: expect.stringContaining('use "preferred_username" (the default) or "sub"'),
    });
  });
});

it('the reference config stays valid', () => {
  const outdir = join(work, 'ok');
  mkdirSync(outdir);
  expect(synthesizeStackTo(referenceInput(), outdir).files.length).toBeGreaterThan(5);
});
