import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterAccessFor, type ClusterAccess } from '../../src/cluster-access.js';
import type { ServerConfig } from '../../src/config/load.js';
import { fakeCluster, SERVER_OWN_TOKEN } from './support/test-tools.js';

let dir: string;
let kubeconfig: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://cluster.test:6443" } }]
users: [{ name: u, user: { token: ${SERVER_OWN_TOKEN} } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cfg(requireOauth: boolean): ServerConfig {
  return { require_oauth: requireOauth, cluster_provider_strategy: 'kubeconfig', kubeconfig } as unknown as ServerConfig;
}

const implementations: [string, (c: ServerConfig) => ClusterAccess][] = [
  ['the real clusterAccessFor', clusterAccessFor],
  ['the test fake', fakeCluster],
];

describe.each(implementations)('%s', (_name, accessFor) => {
  it("refuses the server's own credentials while require_oauth is on", () => {
    expect(() => accessFor(cfg(true)).forServer()).toThrow("require_oauth is on: tool calls use the caller's exchanged token only");
  });

  it('sends exactly the caller token through forCaller', () => {
    expect(accessFor(cfg(true)).forCaller('exchanged-token').getCurrentUser()?.token).toBe('exchanged-token');
  });

  it("gives the server's own credentials with require_oauth off", () => {
    expect(accessFor(cfg(false)).forServer().getCurrentUser()?.token).toBe(SERVER_OWN_TOKEN);
  });
});
