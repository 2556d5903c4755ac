/**
 * Run the `helm` binary as the caller. The caller's credentials travel in Helm's own environment
 * variables (HELM_KUBEAPISERVER, HELM_KUBETOKEN, HELM_KUBECAFILE, …), never on the command line
 * (visible in the process list) and never through the server's own kubeconfig or service account:
 * the child gets a minimal environment without KUBERNETES_SERVICE_HOST and with an empty KUBECONFIG.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import type { KubeConfig } from '../../k8s/kube-config.js';
import { ToolError } from '../result.js';

/** Path of the helm binary: `$HELM_BIN`, else the first executable `helm` on PATH; undefined if none. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.HELM_BIN
    ? [env.HELM_BIN]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, 'helm'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * An argument that is the path of a file the tool writes for this run (e.g. the values file);
 * only the tool can make one — strings from the caller are passed to helm verbatim, never replaced.
 */
export interface HelmFileArg {
  readonly file: string;
  readonly content: string;
}

/** One helm argument: a verbatim string or a file the run writes first. */
export type HelmArg = string | HelmFileArg;

export interface HelmRun {
  stdout: string;
  stderr: string;
}

/**
 * Run `helm <args>` against the KubeConfig's cluster as its user. Helm runs in an empty working
 * directory of a fresh temporary directory (removed afterwards), so a relative chart path can
 * name nothing on the server; a {@link HelmFileArg} is written to a `0600` file there and passed
 * as its path. With a kubeconfig file, `--kube-context <context>` is inserted right after the
 * subcommand (before any `--`).
 * @param kubeconfigPath when the KubeConfig came from a file (require_oauth off), helm reads that file.
 * @throws ToolError if helm is missing, the user has no usable credential, or helm fails (its stderr).
 */
export async function runHelm(kc: KubeConfig, args: readonly HelmArg[], kubeconfigPath?: string): Promise<HelmRun> {
  const helm = findHelm();
  if (!helm) throw new ToolError('helm is not available on this server: install the helm binary on PATH (or set HELM_BIN) to use helm_install/helm_uninstall');
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster) throw new ToolError('no cluster configured');
  const dir = mkdtempSync(join(tmpdir(), 'kube-mcp-helm-'));
  try {
    const cwd = join(dir, 'cwd');
    const files = join(dir, '.files');
    mkdirSync(cwd, { mode: 0o700 });
    mkdirSync(files, { mode: 0o700 });
    const empty = join(files, 'empty-kubeconfig');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n', { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(dir, '.home'),
      HELM_CACHE_HOME: join(dir, '.home', 'cache'),
      HELM_CONFIG_HOME: join(dir, '.home', 'config'),
      HELM_DATA_HOME: join(dir, '.home', 'data'),
    };
    let n = 0;
    const finalArgs = args.map((a) => {
      if (typeof a === 'string') return a;
      const path = join(files, `arg-${n++}-${basename(a.file)}`);
      writeFileSync(path, a.content, { mode: 0o600 });
      return path;
    });
    if (user?.token) {
      env.KUBECONFIG = empty;
      env.HELM_KUBEAPISERVER = cluster.server;
      env.HELM_KUBETOKEN = user.token;
      if (cluster.caData) {
        const ca = join(files, 'ca.crt');
        writeFileSync(ca, Buffer.from(cluster.caData, 'base64'));
        env.HELM_KUBECAFILE = ca;
      }
      if (cluster.skipTLSVerify) env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY = 'true';
      if (cluster.tlsServerName) env.HELM_KUBETLS_SERVER_NAME = cluster.tlsServerName;
    } else if (kubeconfigPath) {
      env.KUBECONFIG = kubeconfigPath;
      finalArgs.splice(1, 0, '--kube-context', kc.getCurrentContext());
    } else {
      throw new ToolError('helm needs a bearer token or a kubeconfig file; none is configured for this request');
    }
    return await new Promise<HelmRun>((resolve, reject) => {
      execFile(helm, finalArgs, { cwd, env, timeout: 300_000, maxBuffer: 10_000_000 }, (err, stdout, stderr) => {
        if (err) reject(new ToolError(`helm ${String(args[0])} failed: ${(stderr || err.message).trim()}`));
        else resolve({ stdout, stderr });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
