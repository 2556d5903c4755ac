/**
 * The e2e state file: what global setup started (Keycloak, later kube-apiserver), read by
 * the tests. JSON at `$KMS_E2E_STATE` (jest global setup sets a per-run file), else
 * `<cache dir>/e2e-state.json` (`npm run e2e:keycloak`); each
 * component owns one top-level key, so starting one part never clobbers another.
 * Contains the random Keycloak admin password: it lives only in the git-ignored cache.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir, type KeycloakInstance } from './keycloak-harness.js';

export interface E2eState {
  keycloak?: KeycloakInstance;
  /** Written by the kube-apiserver harness. */
  kube?: Record<string, unknown>;
  [component: string]: unknown;
}

export function statePath(): string {
  return process.env.KMS_E2E_STATE ?? join(cacheDir(), 'e2e-state.json');
}

export function readState(): E2eState {
  const p = statePath();
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as E2eState) : {};
}

/**
 * Sets (or with `undefined` removes) one component's entry, keeping the others. A per-run
 * state file (`e2e-state-<pid>.json`) left empty is deleted.
 */
export function writeStateEntry<K extends keyof E2eState>(key: K, value: E2eState[K] | undefined): void {
  const state = readState();
  if (value === undefined) delete state[key];
  else state[key] = value;
  if (!Object.keys(state).length && /e2e-state-\d+\.json$/.test(statePath())) {
    rmSync(statePath(), { force: true });
    return;
  }
  mkdirSync(dirname(statePath()), { recursive: true });
  writeFileSync(statePath(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** The running Keycloak. @throws when global setup did not start one. */
export function keycloakFromState(): KeycloakInstance {
  const kc = readState().keycloak;
  if (!kc) throw new Error(`no Keycloak in ${statePath()}: run the e2e project (jest globalSetup test/e2e/global-setup.ts) or \`npm run e2e:keycloak\``);
  return kc;
}
