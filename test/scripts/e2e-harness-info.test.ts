import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { conflictingHarness, harnessSummary, pidAlive } from '../../scripts/e2e-harness-info.js';

const SLEEP = '/usr/bin/sleep';
const STATE = '/repo/.cache/e2e-state.json';

/** A pid that has certainly exited (its child was reaped). */
function deadPid(): number {
  const r = spawnSync(SLEEP, ['0']);
  return r.pid as number;
}

describe('e2e:up refuses to start a second harness over a live one', () => {
  let live: ChildProcess;
  beforeAll(() => {
    live = spawn(SLEEP, ['300'], { stdio: 'ignore' });
  });
  afterAll(() => {
    live.kill('SIGKILL');
  });

  const liveState = () => ({
    keycloak: { pid: live.pid as number },
    kube: { programs: [{ name: 'etcd', pid: live.pid as number, executable: SLEEP }] },
  });

  it('names the live pids, the state file, e2e:down and the reuse switches', () => {
    const msg = conflictingHarness(liveState(), {}, STATE);
    expect(msg).toBe(
      `a harness is already running (pids keycloak ${live.pid}, etcd ${live.pid}; recorded in ${STATE}); ` +
        'npm run e2e:down first, or reuse it with KMS_E2E_REUSE_KEYCLOAK=1 KMS_E2E_REUSE_KUBE=1',
    );
  });

  it('lets the start go ahead when both reuse switches keep the running parts', () => {
    expect(conflictingHarness(liveState(), { KMS_E2E_REUSE_KEYCLOAK: '1', KMS_E2E_REUSE_KUBE: '1' }, STATE)).toBeUndefined();
  });

  it('still refuses when only Keycloak is reused: the kube programs would be orphaned', () => {
    expect(conflictingHarness(liveState(), { KMS_E2E_REUSE_KEYCLOAK: '1' }, STATE)).toMatch(/pids etcd \d+;/);
  });

  it('ignores recorded pids that no longer run, and a program whose pid now runs another executable', () => {
    const dead = deadPid();
    expect(pidAlive(dead)).toBe(false);
    const state = {
      keycloak: { pid: dead },
      kube: { programs: [{ name: 'kube-apiserver', pid: live.pid as number, executable: '/nonexistent/kube-apiserver' }] },
    };
    expect(conflictingHarness(state, {}, STATE)).toBeUndefined();
  });

  it('has nothing to say about an empty state file', () => {
    expect(conflictingHarness({}, {}, STATE)).toBeUndefined();
  });
});

describe('the e2e:up summary', () => {
  const kc = {
    baseUrl: 'https://127.0.0.1:41001',
    caFile: '/c/keycloak/ca.pem',
    adminUsername: 'admin',
    adminPassword: 'S3cret-never-printed',
    logFile: '/c/keycloak/keycloak.log',
    pid: 101,
    version: '26.4.0',
  };
  const kube = {
    server: 'https://127.0.0.1:41002',
    versions: 'kubernetes v1.32.0',
    adminKubeconfig: '/c/kube/run/admin.kubeconfig',
    bareKubeconfig: '/c/kube/run/bare.kubeconfig',
    logDir: '/c/kube/run/logs',
    programs: [{ name: 'etcd', pid: 102, executable: '/bin/etcd', logFile: '/c/kube/run/logs/etcd.log' }],
  };
  const text = harnessSummary(kc, kube, { issuer: 'https://127.0.0.1:41001/realms/kms-e2e-stack', statePath: STATE, elapsedSeconds: 61.23 });

  it('tells where Keycloak, the issuer, the CA, both kubeconfigs, the state file and the logs are', () => {
    expect(text).toContain('[e2e] up in 61.2s');
    for (const line of [
      /Keycloak +https:\/\/127\.0\.0\.1:41001 /,
      /realm issuer +https:\/\/127\.0\.0\.1:41001\/realms\/kms-e2e-stack /,
      /Keycloak CA +\/c\/keycloak\/ca\.pem$/m,
      /admin kubeconfig +\/c\/kube\/run\/admin\.kubeconfig$/m,
      /bare kubeconfig +\/c\/kube\/run\/bare\.kubeconfig +\(address \+ CA only/,
      /Keycloak admin +admin \(password: keycloak\.adminPassword in \/repo\/\.cache\/e2e-state\.json\)/,
      /logs +Keycloak \/c\/keycloak\/keycloak\.log; kube \/c\/kube\/run\/logs\//,
      /pids +keycloak 101, etcd 102$/m,
      /stop with +npm run e2e:down$/m,
    ])
      expect(text).toMatch(line);
  });

  it('never prints the Keycloak admin password', () => {
    expect(text).not.toContain(kc.adminPassword);
  });
});
