/**
 * The Go MCP server the comparison bench measures against: containers/kubernetes-mcp-server,
 * as its npm release ships it (the binary is in the platform package
 * `kubernetes-mcp-server-linux-amd64`; the other platforms' packages of this release are not
 * published, so the wrapper package `kubernetes-mcp-server` cannot sit in package-lock.json
 * and `npm ci` would refuse the lock). Installed on demand, with the ordinary npm client, into
 * `$KMS_CACHE_DIR/go-mcp-server/<version>/` (default `<repo>/.cache/…`), never into the
 * project's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pinned release of containers/kubernetes-mcp-server (npm). */
export const GO_SERVER_VERSION = '0.0.67';
const PLATFORM_PACKAGE = 'kubernetes-mcp-server-linux-amd64';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cacheRoot = (): string => resolve(process.env.KMS_CACHE_DIR ?? join(repoRoot, '.cache'));

/** Where the binary lives once installed (`…/node_modules/<platform package>/bin/<name>`). */
export function goServerBinaryPath(): string {
  return join(cacheRoot(), 'go-mcp-server', GO_SERVER_VERSION, 'node_modules', PLATFORM_PACKAGE, 'bin', PLATFORM_PACKAGE);
}

/**
 * The Go server's binary, installed first when missing (`npm install --no-save` of the exact
 * platform package version into the cache folder).
 * @returns the binary's absolute path
 * @throws Error when not on linux/x64 (the only platform package published) or when npm fails
 */
export function ensureGoServerBinary(): string {
  const bin = goServerBinaryPath();
  if (existsSync(bin)) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`the Go server ${GO_SERVER_VERSION} is published for linux/x64 only (this is ${process.platform}/${process.arch})`);
  const dir = join(cacheRoot(), 'go-mcp-server', GO_SERVER_VERSION);
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`[bench] installing ${PLATFORM_PACKAGE}@${GO_SERVER_VERSION} into ${dir}\n`);
  execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${PLATFORM_PACKAGE}@${GO_SERVER_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (!existsSync(bin)) throw new Error(`npm installed ${PLATFORM_PACKAGE}@${GO_SERVER_VERSION} but ${bin} is missing`);
  return bin;
}
