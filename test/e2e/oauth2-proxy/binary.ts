/**
 * The oauth2-proxy binary of a release, built by test/e2e/oauth2-proxy/build.sh from the Go
 * module proxy into `<cache>/oauth2-proxy/<version>/oauth2-proxy` (a no-op when cached).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OAUTH2_PROXY_RELEASE } from '../../../charts/oauth2-proxy-release.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Path of the binary of `version` (default: the pinned release), building it when missing.
 * Build output goes to this process's stderr (a cold build takes ~5 min on 2 cores).
 * @throws when build.sh fails or prints no executable path
 */
export function ensureOAuth2Proxy(version: string = OAUTH2_PROXY_RELEASE.version): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(here, 'build.sh')], {
      env: { ...process.env, KMS_OAUTH2_PROXY_VERSION: version },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const bin = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && existsSync(bin)) resolve(bin);
      else reject(new Error(`test/e2e/oauth2-proxy/build.sh (version ${version}) exited ${code}${bin ? `, printed ${bin}` : ''}`));
    });
  });
}
