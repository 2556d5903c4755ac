/**
 * The real-stack suite's fixture: the harness stack config with the suite's test users, its
 * synthesized `dist/`, the realm applied to the real Keycloak by the project's own CLI
 * (`kube-mcp-stack realm apply --generate-missing`, which creates every missing Secret in the
 * harness apiserver), and real tokens for each user.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { deriveModel, type StackModel } from '../../../charts/model.js';
import { addKubeMcpStack } from '../../../charts/stack.js';
import type { StackConfig } from '../../../charts/config.js';
import type { KeycloakInstance } from '../keycloak-harness.js';
import { repoRoot } from '../kube-harness.js';
import { manifestFiles } from './apply.js';
import { harnessStackConfig, type HarnessUser } from './stack-config.js';
import { exchangeToken, passwordToken, type RealmClient } from './tokens.js';

/**
 * The suite's users: one per group of the example realm, passwords generated into Secrets.
 * Keycloak 26's default user profile requires email, first and last name before it issues
 * tokens ("Account is not fully set up" otherwise).
 */
export const USERS = {
  developer: {
    username: 'e2e-dev',
    email: 'e2e-dev@example.com',
    emailVerified: true,
    firstName: 'Dev',
    lastName: 'E2e',
    groups: ['openshift_developers'],
    password: { name: 'e2e-user-dev-password', key: 'password' },
  },
  admin: {
    username: 'e2e-admin',
    email: 'e2e-admin@example.com',
    emailVerified: true,
    firstName: 'Admin',
    lastName: 'E2e',
    groups: ['openshift_admins'],
    password: { name: 'e2e-user-admin-password', key: 'password' },
  },
} as const satisfies Record<string, HarnessUser>;
export type UserRole = keyof typeof USERS;

/** Everything the suite derives once. */
export interface StackFixture {
  readonly config: StackConfig;
  readonly model: StackModel;
  /** Working folder of this run (under the cache). */
  readonly workDir: string;
  /** The synthesized manifests. */
  readonly distDir: string;
  /** The config written as JSON for the realm CLI. */
  readonly configFile: string;
}

/**
 * Builds the config and model for the running Keycloak and synthesizes dist/ into a fresh folder.
 * @param vary changes the harness config before it is derived (e.g. another realm, a read-only server)
 */
export async function makeStackFixture(
  keycloak: Pick<KeycloakInstance, 'baseUrl' | 'caFile'>,
  workDir: string,
  vary: (config: StackConfig) => StackConfig = (c) => c,
): Promise<StackFixture> {
  await mkdir(workDir, { recursive: true });
  const config = vary(harnessStackConfig(keycloak, Object.values(USERS)));
  const model = deriveModel(config);
  const distDir = join(workDir, 'dist');
  const app = new App({ outdir: distDir });
  addKubeMcpStack(app, model);
  app.synth();
  const configFile = join(workDir, 'stack-config.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  if ((await manifestFiles(distDir)).length === 0) throw new Error(`synth wrote no manifests into ${distDir}`);
  return { config, model, workDir, distDir, configFile };
}

/** Result of a CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` (from `cwd`, default the repository root) with extra environment, collecting its output. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000, cwd = repoRoot): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `kube-mcp-stack realm apply --generate-missing` against the harness Keycloak and apiserver. */
export function realmApply(f: StackFixture, keycloak: KeycloakInstance, adminKubeconfig: string): Promise<CliRun> {
  return runNode([join(repoRoot, 'bin', 'kube-mcp-stack.js'), 'realm', 'apply', '--config', f.configFile, '--ca-file', keycloak.caFile, '--generate-missing'], {
    KUBECONFIG: adminKubeconfig,
    KEYCLOAK_ADMIN_USERNAME: keycloak.adminUsername,
    KEYCLOAK_ADMIN_PASSWORD: keycloak.adminPassword,
  });
}

/** One key of a Secret, read as the harness admin. */
export async function readSecret(kc: KubeConfig, namespace: string, name: string, key: string): Promise<string> {
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace });
  const b64 = s.data?.[key];
  if (!b64) throw new Error(`Secret ${namespace}/${name} has no key ${key}`);
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** The confidential realm client `clientId`, with its secret read from the Secret the model references. */
export async function realmClient(f: StackFixture, kc: KubeConfig, caFile: string, clientId: string): Promise<RealmClient> {
  const client = f.model.realm.clients.find((c) => c.clientId === clientId);
  if (!client?.secret) throw new Error(`realm client ${clientId} is not confidential in the model`);
  const clientSecret = await readSecret(kc, f.model.keycloak.namespace, client.secret.name, client.secret.key);
  return { issuer: f.model.oidc.issuer, clientId, clientSecret, caFile };
}

/** A user's token for the MCP server: `mcp-client`, password grant, scope `openid mcp-server`. */
export async function userToken(f: StackFixture, kc: KubeConfig, caFile: string, role: UserRole): Promise<string> {
  const u = USERS[role];
  const password = await readSecret(kc, f.model.keycloak.namespace, u.password.name, u.password.key);
  return passwordToken(await realmClient(f, kc, caFile, 'mcp-client'), u.username, password, 'openid mcp-server');
}

/** What the MCP server does with a user token: exchange at `mcp-server` for the Kubernetes API audience. */
export async function kubeToken(f: StackFixture, kc: KubeConfig, caFile: string, subjectToken: string): Promise<string> {
  const ms = f.model.config.mcpServer;
  return exchangeToken(await realmClient(f, kc, caFile, ms.stsClientId), subjectToken, ms.stsAudience, ms.stsScopes.join(' '));
}
