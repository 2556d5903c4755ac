/**
 * A real Keycloak for the e2e tests: the `org.keycloak:keycloak-quarkus-dist` zip fetched
 * from Maven Central with Maven into the cache directory, unpacked once, started with
 * `kc.sh start-dev` on random loopback ports over HTTPS with a certificate from a CA this
 * harness generates with openssl, an in-memory database (`--db=dev-mem`, fresh per start)
 * and a bootstrap admin with a random password. Stopped by pid.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';

/** Keycloak version under test: the 26.2 line shipped by RHBK channel `stable-v26.2`; runs on Java 17. */
export const KEYCLOAK_VERSION = process.env.KMS_KEYCLOAK_VERSION ?? '26.2.5';

/** What tests need to reach the running Keycloak (stored in the e2e state file). */
export interface KeycloakInstance {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  baseUrl: string;
  /** Health endpoint base on the management port, `https://127.0.0.1:<port>`. */
  managementUrl: string;
  /** PEM of the CA that signed Keycloak's certificate. */
  caFile: string;
  adminUsername: string;
  /** Random bootstrap admin password (never printed). */
  adminPassword: string;
  pid: number;
  logFile: string;
  runDir: string;
  version: string;
}

/** Cache root: `$KMS_CACHE_DIR` or `.cache` in the working directory (the repository root for npm scripts and jest). */
export function cacheDir(): string {
  return resolve(process.env.KMS_CACHE_DIR ?? join(process.cwd(), '.cache'));
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
}

/** Java 17+ home: `$JAVA_HOME`, else the Debian OpenJDK 17 path when present. */
function javaHome(): string | undefined {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  const debian = '/usr/lib/jvm/java-17-openjdk-amd64';
  return existsSync(debian) ? debian : undefined;
}

/**
 * Fetches (Maven `dependency:copy`) and unpacks the distribution once (`unzip`, else the
 * JDK's `jar`); a marker file records a complete unpack, so later calls reuse it.
 * @returns the unpacked `keycloak-<version>` directory.
 * @throws if Maven or unzip fail (their output tail is in the message).
 */
export function ensureKeycloakDistribution(version = KEYCLOAK_VERSION): string {
  const dir = join(cacheDir(), 'keycloak');
  const home = join(dir, `keycloak-${version}`);
  const marker = join(home, '.kms-unpacked');
  if (existsSync(marker)) return home;
  mkdirSync(dir, { recursive: true });
  const zip = join(dir, `keycloak-quarkus-dist-${version}.zip`);
  if (!existsSync(zip)) {
    run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:zip`, `-DoutputDirectory=${dir}`]);
  }
  rmSync(home, { recursive: true, force: true });
  if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) {
    run('unzip', ['-q', '-o', zip, '-d', dir]);
  } else {
    // No unzip: the JDK's jar tool extracts zips too (without file modes, restored below).
    const jh = javaHome();
    run(jh ? join(jh, 'bin', 'jar') : 'jar', ['xf', zip], { cwd: dir });
  }
  if (!existsSync(join(home, 'bin', 'kc.sh'))) throw new Error(`unpacked ${zip} but ${home}/bin/kc.sh is missing`);
  for (const f of readdirSync(join(home, 'bin')).filter((n) => n.endsWith('.sh'))) chmodSync(join(home, 'bin', f), 0o755);
  writeFileSync(marker, `${version}\n`);
  return home;
}

/** Generates a CA and a server certificate for 127.0.0.1 and localhost in `dir`. */
export function generateTlsMaterial(dir: string): { caFile: string; certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=kube-mcp-stack e2e CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('tls.key'), '-out', f('tls.csr')]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  run('openssl', [
    'x509',
    '-req',
    '-in',
    f('tls.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('tls.crt'),
  ]);
  return { caFile: f('ca.crt'), certFile: f('tls.crt'), keyFile: f('tls.key') };
}

/** Deletes run directories (TLS material, logs) older than a day. */
function pruneOldRuns(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/** The last `lines` lines of a file (empty string when absent). */
export function tail(file: string, lines = 60): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StartKeycloakOptions {
  /** Startup budget in ms. @default 240000 (the first start builds the Quarkus app) */
  timeoutMs?: number;
  /** Serving certificate and key (PEM) to use instead of generated ones; `caFile` is then recorded as given. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

/**
 * Starts Keycloak and waits until `/health/ready` on the management port answers 200.
 * @throws with the tail of Keycloak's log when it exits or is not ready in time.
 */
export async function startKeycloak(opts: StartKeycloakOptions = {}): Promise<KeycloakInstance> {
  const home = ensureKeycloakDistribution();
  pruneOldRuns(join(cacheDir(), 'keycloak-run'));
  const runDir = join(cacheDir(), 'keycloak-run', `${Date.now()}-${process.pid}`);
  const tls = opts.tls ?? generateTlsMaterial(join(runDir, 'tls'));
  mkdirSync(runDir, { recursive: true });
  // Keycloak binds its HTTP port (default 8080) even with HTTP disabled: give it a free one too,
  // so two harnesses (or anything else on 8080) never collide.
  const [port, mgmtPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const adminUsername = 'kms-admin';
  const adminPassword = randomBytes(24).toString('base64url');
  const logFile = join(runDir, 'keycloak.log');
  const out = openSync(logFile, 'a');
  const jh = javaHome();
  const child = spawn(
    join(home, 'bin', 'kc.sh'),
    [
      'start-dev',
      '--db=dev-mem',
      '--http-enabled=false',
      '--http-host=127.0.0.1',
      `--https-port=${port}`,
      `--http-port=${httpPort}`,
      `--http-management-port=${mgmtPort}`,
      `--https-certificate-file=${tls.certFile}`,
      `--https-certificate-key-file=${tls.keyFile}`,
      '--health-enabled=true',
      '--hostname-strict=false',
    ],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...(jh ? { JAVA_HOME: jh } : {}), KC_BOOTSTRAP_ADMIN_USERNAME: adminUsername, KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword },
    },
  );
  child.unref();
  const instance: KeycloakInstance = {
    baseUrl: `https://127.0.0.1:${port}`,
    managementUrl: `https://127.0.0.1:${mgmtPort}`,
    caFile: tls.caFile,
    adminUsername,
    adminPassword,
    pid: child.pid!,
    logFile,
    runDir,
    version: KEYCLOAK_VERSION,
  };
  const dispatcher = new Agent({ connect: existsSync(tls.caFile) ? { ca: readFileSync(tls.caFile) } : {} });
  const deadline = Date.now() + (opts.timeoutMs ?? 240_000);
  try {
    while (Date.now() < deadline) {
      // Keycloak logs its fatal start-up error some time before the JVM has exited (seconds
      // on a loaded machine): either one ends the wait.
      if (!alive(instance.pid) || startupFailed(logFile)) throw new Error(`Keycloak exited during startup`);
      try {
        const r = await undiciFetch(`${instance.managementUrl}/health/ready`, { dispatcher });
        if (r.status === 200) return instance;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`Keycloak not ready after ${opts.timeoutMs ?? 240_000} ms`);
  } catch (e) {
    await stopKeycloak(instance);
    throw new Error(`${(e as Error).message}; log ${logFile}, last lines:\n${tail(logFile)}`);
  } finally {
    await dispatcher.close();
  }
}

/** True once Keycloak's log shows its fatal start-up error (Quarkus' `Failed to start server`). */
function startupFailed(logFile: string): boolean {
  return existsSync(logFile) && readFileSync(logFile, 'utf8').includes('ERROR: Failed to start server');
}

/** Stops Keycloak by pid (its process group: kc.sh and the JVM): SIGTERM, then SIGKILL after 20 s. */
export async function stopKeycloak(instance: Pick<KeycloakInstance, 'pid'>): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-instance.pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  for (let i = 0; i < 40 && alive(instance.pid); i++) await new Promise((r) => setTimeout(r, 500));
  if (alive(instance.pid)) signal('SIGKILL');
}
