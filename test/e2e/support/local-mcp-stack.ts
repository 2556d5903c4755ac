/**
 * A suite's own realm and MCP server on the harness: the stack config (varied by the suite)
 * synthesized into dist/, the stack's Namespaces applied to an apiserver (the realm CLI writes
 * the client Secrets there), the realm applied to the real Keycloak by
 * `kube-mcp-stack realm apply --generate-missing`, and the bundled MCP server started from
 * dist/'s `config.toml` with only the machine-local keys replaced (test/e2e/kube/mcp-client.ts).
 * Used by the revocation and forged-token suites, which need a realm no other suite touches.
 */
import { expect } from '@jest/globals';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackConfig } from '../../../charts/config.js';
import type { KeycloakInstance } from '../keycloak-harness.js';
import { adminKubeConfig, repoRoot, type KubeState } from '../kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from '../kube/apply.js';
import { localMcpConfigToml } from '../kube/mcp-client.js';
import { mcpServerPort, startMcpServer, type RunningMcpServer } from '../kube/mcp-process.js';
import { makeStackFixture, readSecret, realmApply, type StackFixture } from '../kube/stack-fixture.js';

/** What {@link startLocalMcpStack} built and started. */
export interface LocalMcpStack {
  readonly f: StackFixture;
  readonly server: RunningMcpServer;
  /** The file holding the STS client's secret (the MCP server's `sts_client_secret_file`). */
  readonly stsClientSecretFile: string;
  /** The config.toml the server runs with. */
  readonly configFile: string;
}

export interface LocalMcpStackOptions {
  readonly keycloak: KeycloakInstance;
  /** The apiserver the realm's Secrets go to and the MCP server calls. */
  readonly kube: KubeState;
  /** Emptied, then holds dist/, the config, the secret file and the server's log. */
  readonly workDir: string;
  /** Changes the harness stack config before it is derived (the realm name, users, mcpServer settings). */
  readonly vary: (config: StackConfig) => StackConfig;
  /** Field manager of the Namespace apply. */
  readonly fieldManager: string;
  /** Runs after the realm is applied and before the server starts (e.g. to add a realm key the server's first JWKS fetch must see). */
  readonly beforeServer?: (f: StackFixture) => Promise<void>;
}

/**
 * @throws Error naming the failing step: a Namespace the apiserver refused, `realm apply`'s exit
 *   code and output, or the MCP server's log tail when it does not become ready
 */
export async function startLocalMcpStack(o: LocalMcpStackOptions): Promise<LocalMcpStack> {
  await rm(o.workDir, { recursive: true, force: true });
  const f = await makeStackFixture(o.keycloak, o.workDir, o.vary);
  const admin = adminKubeConfig(o.kube);
  // realm apply writes the realm's Secrets into the stack's namespaces: create those first.
  const namespaces = (await Promise.all((await manifestFiles(f.distDir)).map(readManifests))).flat().filter((m) => m.kind === 'Namespace');
  expect((await serverSideApply(admin, namespaces, o.fieldManager)).filter((r) => r.error)).toEqual([]);
  const run = await realmApply(f, o.keycloak, o.kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  const sts = f.model.realm.clients.find((c) => c.clientId === f.model.config.mcpServer.stsClientId)!;
  const stsClientSecretFile = join(o.workDir, 'sts-client-secret');
  await writeFile(stsClientSecretFile, await readSecret(admin, f.model.keycloak.namespace, sts.secret!.name, sts.secret!.key), { mode: 0o600 });
  await o.beforeServer?.(f);
  const port = await mcpServerPort();
  const configFile = join(o.workDir, 'config.toml');
  await mkdir(o.workDir, { recursive: true });
  await writeFile(
    configFile,
    await localMcpConfigToml(f.distDir, { port, kubeconfig: o.kube.bareKubeconfig, certificateAuthority: o.keycloak.caFile, stsClientSecretFile }),
  );
  const server = await startMcpServer(repoRoot, configFile, port, join(o.workDir, 'mcp-server.log'));
  return { f, server, stsClientSecretFile, configFile };
}
