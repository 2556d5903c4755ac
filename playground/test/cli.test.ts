/** The Playground's command line: flags, environment fallbacks, errors naming flag and variable, --help, --version. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { CommanderError } from 'commander';
import { buildCommand, parseCli } from '../src/cli.js';
import { SUPPORTED_LLAMA_STACK_VERSIONS } from '../../charts/versions/llama-stack.js';
import { PlaygroundConfigError } from '../src/config.js';
import { LLAMA_STACK_CLIENT_CONTRACTS } from '../src/llama-stack-releases.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
const REQUIRED = [
  '--llama-stack-url',
  'http://ls.ns.svc:8321',
  '--api-base-path',
  '/v1/openai/v1',
  '--mcp-server-url',
  'http://mcp.ns.svc:8000/mcp',
  '--mcp-auth',
  'headers',
];
const ENV = [
  'PLAYGROUND_LLAMA_STACK_URL',
  'PLAYGROUND_API_BASE_PATH',
  'PLAYGROUND_MCP_SERVER_URL',
  'PLAYGROUND_MCP_AUTH',
  'PLAYGROUND_PORT',
  'PLAYGROUND_DEFAULT_MODEL',
];

const quiet = () => buildCommand().configureOutput({ writeOut: () => {}, writeErr: () => {} });
const saved: Record<string, string | undefined> = {};
beforeEach(() => {
  for (const k of ENV) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
});
afterEach(() => {
  for (const k of ENV)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
});

describe('parseCli', () => {
  test('flags give the settings, with the defaults', () => {
    expect(parseCli([...REQUIRED, '--default-model', 'llama-3b'], quiet())).toEqual({
      port: 8501,
      host: '0.0.0.0',
      llamaStackUrl: 'http://ls.ns.svc:8321',
      apiBasePath: '/v1/openai/v1',
      mcpServerUrl: 'http://mcp.ns.svc:8000/mcp',
      mcpServerLabel: 'kubernetes',
      mcpAuth: 'headers',
      defaultModel: 'llama-3b',
      instructions: undefined,
      timeoutMs: 120000,
      logLevel: 'info',
    });
  });

  test('environment variables stand in for flags; a flag wins', () => {
    process.env.PLAYGROUND_LLAMA_STACK_URL = 'http://env-ls:8321/';
    process.env.PLAYGROUND_API_BASE_PATH = '/v1/';
    process.env.PLAYGROUND_MCP_SERVER_URL = 'http://env-mcp:8000/mcp';
    process.env.PLAYGROUND_MCP_AUTH = 'authorization';
    process.env.PLAYGROUND_PORT = '9000';
    const cfg = parseCli(['--port', '9100'], quiet());
    expect(cfg).toMatchObject({
      llamaStackUrl: 'http://env-ls:8321',
      apiBasePath: '/v1',
      mcpServerUrl: 'http://env-mcp:8000/mcp',
      mcpAuth: 'authorization',
      port: 9100,
    });
  });

  test.each([
    [['--api-base-path', '/v1', '--mcp-server-url', 'http://m/mcp', '--mcp-auth', 'headers'], /--llama-stack-url \(PLAYGROUND_LLAMA_STACK_URL\) is required/],
    [
      ['--llama-stack-url', 'http://l', '--mcp-server-url', 'http://m/mcp', '--mcp-auth', 'headers'],
      /--api-base-path \(PLAYGROUND_API_BASE_PATH\) is required: \/v1\/openai\/v1 for Llama Stack 0\.2\.x\/0\.3\.x, \/v1 for 0\.4\.0/,
    ],
    [
      ['--llama-stack-url', 'http://l', '--api-base-path', '/v1', '--mcp-server-url', 'http://m/mcp'],
      /--mcp-auth \(PLAYGROUND_MCP_AUTH\) is required: headers for Llama Stack 0\.2\.x\/0\.3\.x, authorization for 0\.4\.0/,
    ],
    [[...REQUIRED, '--llama-stack-url', 'ftp://l'], /--llama-stack-url \(PLAYGROUND_LLAMA_STACK_URL\): "ftp:\/\/l" must be an http or https URL/],
    [[...REQUIRED, '--mcp-server-url', 'http://u:p@m/mcp'], /credentials in the URL are not allowed/],
    [[...REQUIRED, '--api-base-path', 'v1'], /--api-base-path \(PLAYGROUND_API_BASE_PATH\): "v1" is not a path/],
    [[...REQUIRED, '--port', '70000'], /--port \(PLAYGROUND_PORT\): "70000" must be an integer from 0 to 65535/],
    [[...REQUIRED, '--mcp-server-label', 'a b'], /--mcp-server-label .* must be 1-64 letters/],
  ])('%j is refused naming the flag and its variable', (argv, message) => {
    expect(() => parseCli(argv, quiet())).toThrow(PlaygroundConfigError);
    expect(() => parseCli(argv, quiet())).toThrow(message);
  });

  test.each([
    ['/v1', 'headers'],
    ['/v1/openai/v1', 'authorization'],
    ['/v2', 'authorization'],
  ])('--api-base-path %s with --mcp-auth %s (no supported Llama Stack release has the pair) is refused naming both flags and the valid pairs', (path, auth) => {
    const argv = [...REQUIRED, '--api-base-path', path, '--mcp-auth', auth];
    expect(() => parseCli(argv, quiet())).toThrow(PlaygroundConfigError);
    let message = '';
    try {
      parseCli(argv, quiet());
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`--api-base-path (PLAYGROUND_API_BASE_PATH) "${path}" with --mcp-auth (PLAYGROUND_MCP_AUTH) "${auth}"`);
    // The valid pairs, from the one release table (charts/versions/llama-stack.ts reads it too).
    for (const [version, c] of Object.entries(LLAMA_STACK_CLIENT_CONTRACTS))
      expect(message).toContain(`--api-base-path ${c.openaiBasePath} --mcp-auth ${c.mcpToolToken} (Llama Stack ${version})`);
  });

  test("every supported release's pair is accepted, with the environment variables too", () => {
    expect(Object.keys(LLAMA_STACK_CLIENT_CONTRACTS)).toEqual(SUPPORTED_LLAMA_STACK_VERSIONS);
    for (const c of Object.values(LLAMA_STACK_CLIENT_CONTRACTS)) {
      expect(parseCli([...REQUIRED, '--api-base-path', c.openaiBasePath, '--mcp-auth', c.mcpToolToken], quiet())).toMatchObject({
        apiBasePath: c.openaiBasePath,
        mcpAuth: c.mcpToolToken,
      });
    }
    process.env.PLAYGROUND_API_BASE_PATH = '/v1';
    process.env.PLAYGROUND_MCP_AUTH = 'headers';
    expect(() => parseCli(['--llama-stack-url', 'http://l', '--mcp-server-url', 'http://m/mcp'], quiet())).toThrow(/no supported Llama Stack release/);
  });

  test('an unknown --mcp-auth mode is a usage error listing the choices', () => {
    let err: unknown;
    const cmd = buildCommand().configureOutput({ writeOut: () => {}, writeErr: (s) => void (err = s) });
    expect(() => parseCli([...REQUIRED, '--mcp-auth', 'cookie'], cmd)).toThrow(CommanderError);
    expect(String(err)).toMatch(/Allowed choices are headers, authorization/);
  });
});

describe('the entry point', () => {
  const tsx = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'playground/src/main.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      timeout: 50_000,
      killSignal: 'SIGKILL',
    });

  test("--version prints package.json's version and exits 0", async () => {
    const { stdout } = await tsx(['--version']);
    expect(stdout.trim()).toBe(VERSION);
  }, 60_000);

  test('--help lists every flag with its environment variable and exits 0', async () => {
    const { stdout } = await tsx(['--help']);
    for (const f of ['--llama-stack-url', '--api-base-path', '--mcp-server-url', '--mcp-auth', '--mcp-server-label', '--default-model', '--port', '--version'])
      expect(stdout).toContain(f);
    for (const e of ['PLAYGROUND_LLAMA_STACK_URL', 'PLAYGROUND_API_BASE_PATH', 'PLAYGROUND_MCP_SERVER_URL', 'PLAYGROUND_MCP_AUTH']) expect(stdout).toContain(e);
  }, 60_000);

  test('a pairing no Llama Stack release has exits 2 naming both flags on stderr', async () => {
    await expect(tsx([...REQUIRED, '--api-base-path', '/v1', '--mcp-auth', 'headers'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('kube-mcp-playground: --api-base-path (PLAYGROUND_API_BASE_PATH) "/v1" with --mcp-auth (PLAYGROUND_MCP_AUTH) "headers"'),
    });
  }, 60_000);

  test('a missing setting exits 2 with the flag named on stderr', async () => {
    await expect(tsx([])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--llama-stack-url (PLAYGROUND_LLAMA_STACK_URL) is required') });
  }, 60_000);
});
