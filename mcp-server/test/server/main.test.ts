/**
 * The entry point as a child process (how the e2e suite and the container run it): JSON logs on
 * stdout, start-up refusal with the key named, SIGHUP reload, SIGTERM exit.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'mcp-main-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(
  kubeconfig,
  'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n',
);

interface Proc {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Record<string, unknown>[];
  stderr: string;
  readonly exited: Promise<number | null>;
}

function run(args: string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mcp-server/src/main.ts', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, KUBERNETES_SERVICE_HOST: '' },
  });
  const p: Proc = { child, lines: [], stderr: '', exited: new Promise((r) => child.on('exit', (code) => r(code))) };
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      p.lines.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  child.stderr.on('data', (d: Buffer) => (p.stderr += d.toString()));
  return p;
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('refuses to start on an unknown key, naming it, with exit code 2', async () => {
  const config = join(dir, 'bad.toml');
  writeFileSync(config, 'port = "0"\nrequire_oauht = true\n');
  const p = run(['--config', config]);
  expect(await p.exited).toBe(2);
  expect(p.stderr).toContain('"require_oauht"');
});

it('starts from a config file, logs JSON to stdout, reloads on SIGHUP and stops on SIGTERM', async () => {
  const config = join(dir, 'ok.toml');
  writeFileSync(config, `port = "0"\ncluster_provider_strategy = "kubeconfig"\nkubeconfig = "${kubeconfig}"\n`);
  const p = run(['--config', config, '--log-level', '2']);
  await until(() => p.lines.some((l) => l.msg === 'MCP server listening'));
  const started = p.lines.find((l) => l.msg === 'MCP server listening')!;
  expect(started).toMatchObject({ transport: 'http', require_oauth: false, level: 30 });
  const port = started.port as number;
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

  writeFileSync(config, `port = "0"\ncluster_provider_strategy = "kubeconfig"\nkubeconfig = "${kubeconfig}"\nread_only = true\n`);
  p.child.kill('SIGHUP');
  await until(() => p.lines.some((l) => l.msg === 'configuration reloaded'));
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
});

it('speaks MCP over stdio when no port is configured, logging to stderr', async () => {
  const config = join(dir, 'stdio.toml');
  writeFileSync(config, `cluster_provider_strategy = "kubeconfig"\nkubeconfig = "${kubeconfig}"\ntoolsets = ["config"]\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', 'mcp-server/src/main.ts', '--config', config], { cwd: process.cwd() });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  await until(() => out.includes('"id":1'));
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  await until(() => out.includes('"id":2'));
  const responses = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; result: { serverInfo?: { name: string }; tools?: { name: string }[] } });
  expect(responses[0]!.result.serverInfo?.name).toBe('kube-mcp-server');
  expect(responses[1]!.result.tools!.map((t) => t.name)).toContain('configuration_view');
  expect(err).toContain('"transport":"stdio"');
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  child.stdin.end();
  expect(await exited).toBe(0);
});
