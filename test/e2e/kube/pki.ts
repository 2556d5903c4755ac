/**
 * The harness's own PKI for kube-apiserver, made with the `openssl` command line:
 * a throw-away CA, the apiserver's serving certificate for 127.0.0.1/localhost, the harness
 * admin's client certificate (organization `system:masters`, so RBAC lets it do anything) and
 * the service-account signing key pair.
 *
 * Every file is written under `dir` (mode 0600 for private keys). Validity is 2 days: the
 * harness never outlives a test run by much, and an expired cache is simply regenerated.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the PEM files {@link makeKubePki} writes. */
export interface KubePki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  /** Private key kube-apiserver signs service-account tokens with. */
  readonly serviceAccountKey: string;
  /** Its public half, which kube-apiserver verifies service-account tokens with. */
  readonly serviceAccountPub: string;
}

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.trim() || e.message}`);
  }
}

async function newKey(path: string, cwd: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path], cwd);
  await chmod(join(cwd, path), 0o600);
}

/** Signs a new key's certificate with the CA; `extensions` are OpenSSL x509v3 config lines. */
async function issue(name: string, subject: string, extensions: readonly string[], cwd: string): Promise<void> {
  await newKey(`${name}.key`, cwd);
  await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], cwd);
  await writeFile(join(cwd, `${name}.ext`), extensions.join('\n') + '\n');
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    cwd,
  );
}

/**
 * Writes a fresh CA, serving, admin and service-account key material into `dir`.
 * @throws Error with openssl's stderr when a command fails (e.g. openssl not installed)
 */
export async function makeKubePki(dir: string): Promise<KubePki> {
  await mkdir(dir, { recursive: true });
  await newKey('ca.key', dir);
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-subj',
      '/CN=kube-mcp-stack-e2e-kube-ca',
      '-days',
      '2',
      '-sha256',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  await issue(
    'apiserver',
    '/CN=kube-apiserver',
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
    ],
    dir,
  );
  await issue(
    'admin',
    '/O=system:masters/CN=kube-mcp-stack-e2e-admin',
    ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth'],
    dir,
  );
  await newKey('sa.key', dir);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    servingCert: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

/** Reads a PEM file as text (for kubeconfig `*-data` fields and client TLS options). */
export function readPem(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
