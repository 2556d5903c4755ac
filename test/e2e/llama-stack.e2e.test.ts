/**
 * The user's token through the real Llama Stack to the MCP server, for every supported release
 * (charts/versions/llama-stack.ts), with this suite playing the llama-stack-k8s-operator
 * (test/e2e/support/llama-stack-operator.ts): each release is started from the synthesized
 * LlamaStackDistribution + run-config ConfigMap of a stack configured for that release, with
 * only ports, hosts and paths mapped to loopback. Real: Keycloak, kube-apiserver, the bundled
 * MCP server (as stack.e2e.test.ts starts it), Llama Stack from PyPI. The one stand-in is the
 * model (test/e2e/support/fake-llm.ts), which decides only from what it receives.
 *
 * A client (as the Playground) calls the OpenAI-compatible Responses API with the user's access
 * token as its bearer (server.auth validates it) and hands the same token to the MCP tool the
 * way the release requires (`headers.Authorization` on 0.2.22, `authorization` on 0.7.3).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { App } from 'cdk8s';
import type { KubeConfig } from '@kubernetes/client-node';
import OpenAI from 'openai';
import { parse, stringify } from 'yaml';
import { keycloakFromState } from './e2e-state.js';
import { adminKubeConfig, cacheDir, repoRoot } from './kube-harness.js';
import { manifestFiles, readManifests, serverSideApply } from './kube/apply.js';
import { idlePod, modelTokenSecrets, waitForDefaultServiceAccounts } from './kube/journey-objects.js';
import { counterTotal, localMcpConfigToml } from './kube/mcp-client.js';
import { mcpServerPort, startMcpServer, type RunningMcpServer } from './kube/mcp-process.js';
import { kubeFromState } from './kube/setup.js';
import { makeStackFixture, readSecret, realmApply, userToken, type StackFixture } from './kube/stack-fixture.js';
import { startFakeLlm, type FakeLlm } from './support/fake-llm.js';
import { startLlamaStackFromDist, type RunningLlamaStack } from './support/llama-stack-operator.js';
import { askPlayground, playgroundModels } from './support/playground-client.js';
import { LocalCluster, type RunningContainer } from './pods/local-pod.js';
import { deriveModel } from '../../charts/model.js';
import { addKubeMcpStack } from '../../charts/stack.js';
import { LLAMA_STACK_RELEASES, SUPPORTED_LLAMA_STACK_VERSIONS, type LlamaStackReleaseFacts } from '../../charts/versions/llama-stack.js';

const MINUTE = 60_000;
const keycloak = keycloakFromState();
const kube = kubeFromState();
const admin: KubeConfig = adminKubeConfig(kube);
const workDir = join(cacheDir(), 'e2e-llama-stack', `run-${process.pid}`);
const FIELD_MANAGER = 'kube-mcp-stack-e2e';
let f: StackFixture;
let mcp: RunningMcpServer;
/** One fake model server per inference provider, serving only that provider's model (as each vLLM does). */
const llms = new Map<string, FakeLlm>();
const tokens: Record<'developer' | 'admin', string> = { developer: '', admin: '' };
/** Keys of the first event of each tool/answer type, printed once per release (the Playground's contract). */
const shapes = new Set<string>();
/** Every user token the suite handed out: none may appear in any log. */
const issued: string[] = [];

async function freshToken(role: 'developer' | 'admin'): Promise<string> {
  const t = await userToken(f, admin, keycloak.caFile, role);
  issued.push(t);
  return t;
}

/** dist/ of the harness stack configured for one Llama Stack release. */
function synthForRelease(version: string): string {
  const config = {
    ...f.config,
    llamaStack: { ...f.config.llamaStack, version, operatorVersion: LLAMA_STACK_RELEASES[version]!.configKey === 'config.yaml' ? '0.9.0' : '0.3.0' },
  };
  const distDir = join(workDir, version, 'dist');
  const app = new App({ outdir: distDir });
  addKubeMcpStack(app, deriveModel(config));
  app.synth();
  return distDir;
}

/** What one streamed Responses API call showed. */
interface Turn {
  readonly text: string;
  readonly eventTypes: readonly string[];
  /** The `mcp_call` output items (name, arguments, output, error). */
  readonly mcpCalls: readonly { name: string; arguments: string; output?: string | null; error?: string | null }[];
}

/** The MCP tool of a Responses API request, carrying the user's token the way the release takes it. */
export function mcpTool(facts: LlamaStackReleaseFacts, serverUrl: string, token: string): Record<string, unknown> {
  const base = { type: 'mcp', server_label: 'openshift', server_url: serverUrl, require_approval: 'never' };
  return facts.mcpToolToken === 'authorization' ? { ...base, authorization: token } : { ...base, headers: { Authorization: `Bearer ${token}` } };
}

async function ask(ls: RunningLlamaStack, model: string, token: string, question: string): Promise<Turn> {
  const client = new OpenAI({ baseURL: ls.openaiBaseUrl, apiKey: token, maxRetries: 0, timeout: 2 * MINUTE });
  const stream = await client.responses.create({
    model,
    input: question,
    stream: true,
    store: false,
    tools: [mcpTool(ls.facts, `${mcp.baseUrl}/mcp`, token) as never],
  });
  const eventTypes: string[] = [];
  let text = '';
  const mcpCalls: Turn['mcpCalls'][number][] = [];
  for await (const ev of stream as AsyncIterable<any>) {
    const shape = `${ev.type} {${Object.keys(ev).sort().join(',')}}${ev.item ? ` item ${ev.item.type} {${Object.keys(ev.item).sort().join(',')}}` : ''}`;
    if (/mcp|output_text|output_item.done|completed/.test(ev.type)) shapes.add(shape);
    eventTypes.push(ev.type);
    if (ev.type === 'response.output_text.delta') text += ev.delta;
    if (ev.type === 'response.output_item.done' && ev.item?.type === 'mcp_call') mcpCalls.push(ev.item);
  }
  return { text, eventTypes, mcpCalls };
}

beforeAll(async () => {
  // The venvs (a no-op when cached; .ci/run runs it as its own phase first).
  const install = spawnSync('bash', [join(repoRoot, 'test', 'e2e', 'llama-stack', 'install.sh')], {
    encoding: 'utf8',
    env: { ...process.env, KMS_CACHE_DIR: cacheDir() },
  });
  if (install.status !== 0) throw new Error(`test/e2e/llama-stack/install.sh exited ${install.status}: ${install.stderr}`);
  await rm(workDir, { recursive: true, force: true });
  f = await makeStackFixture(keycloak, workDir);
  // The stack's objects (namespaces, RBAC, CA ConfigMaps) as stack.e2e.test.ts applies them; idempotent.
  for (const file of await manifestFiles(f.distDir)) {
    const results = await serverSideApply(admin, await readManifests(file), FIELD_MANAGER);
    expect(results.filter((r) => r.error)).toEqual([]);
  }
  const run = await realmApply(f, keycloak, kube.adminKubeconfig);
  if (run.code !== 0) throw new Error(`realm apply exited ${run.code}: ${run.stderr || run.stdout}`);
  const ns = f.model.namespaces.llamaStack;
  await waitForDefaultServiceAccounts(admin, [ns, 'kube-system']);
  // Pods to list, and the model endpoints' API token Secrets the LlamaStackDistribution references (random values).
  const applied = await serverSideApply(
    admin,
    [idlePod('e2e-ls-pod-a', ns), idlePod('e2e-ls-pod-b', ns), idlePod('e2e-ls-system-pod', 'kube-system'), ...modelTokenSecrets(f.model, ns)],
    FIELD_MANAGER,
  );
  expect(applied.filter((r) => r.error)).toEqual([]);

  const sts = f.model.mcpServer.stsClientSecret;
  const secretFile = join(workDir, 'sts-client-secret');
  await writeFile(secretFile, await readSecret(admin, sts.namespace, sts.name, sts.key), { mode: 0o600 });
  await chmod(secretFile, 0o600);
  const port = await mcpServerPort();
  const configFile = join(workDir, 'mcp.config.toml');
  await writeFile(
    configFile,
    await localMcpConfigToml(f.distDir, { port, kubeconfig: kube.bareKubeconfig, certificateAuthority: keycloak.caFile, stsClientSecretFile: secretFile }),
  );
  mcp = await startMcpServer(repoRoot, configFile, port, join(workDir, 'mcp-server.log'));
  for (const p of f.model.config.llamaStack.inference) llms.set(p.providerId, await startFakeLlm({ models: [p.modelId] }));
  tokens.developer = await freshToken('developer');
  tokens.admin = await freshToken('admin');
}, 20 * MINUTE);

afterAll(async () => {
  await mcp?.stop();
  await Promise.all([...llms.values()].map((l) => l.stop()));
});

describe.each(SUPPORTED_LLAMA_STACK_VERSIONS)('Llama Stack %s started from dist/ (the suite plays the operator)', (version) => {
  let ls: RunningLlamaStack;
  let model: string;
  let distDir: string;
  const ns = () => f.model.namespaces.llamaStack;
  const start = (editConfig?: (t: string) => string, dir = version) =>
    startLlamaStackFromDist({
      distDir: synthForRelease(version),
      version,
      cacheDir: cacheDir(),
      workDir: join(workDir, dir),
      urlMap: {
        [f.model.mcpServer.service.url]: mcp.baseUrl,
        ...Object.fromEntries(f.model.config.llamaStack.inference.map((p) => [p.url, llms.get(p.providerId)!.url])),
      },
      secretValue: (name, key) => readSecret(admin, ns(), name, key),
      editConfig,
    });

  beforeAll(async () => {
    const t0 = Date.now();
    shapes.clear();
    ls = await start();
    distDir = join(workDir, version, 'dist');
    process.stdout.write(`[e2e] phase llama-stack ${version} start: ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
    const listed = await new OpenAI({ baseURL: ls.openaiBaseUrl, apiKey: tokens.developer, maxRetries: 0 }).models.list();
    const first = f.model.config.llamaStack.inference[0]!;
    const want = first.modelId;
    process.stdout.write(`[e2e] llama-stack ${version} models: ${listed.data.map((m) => m.id).join(', ')}\n`);
    model = listed.data.map((m) => m.id).find((id) => id === want || id.endsWith(`/${want}`))!;
    // Both releases name a registered model `<provider_id>/<model_id>` in the OpenAI-compatible list.
    expect(model).toBe(`${first.providerId}/${want}`);
  }, 5 * MINUTE);

  afterAll(async () => {
    await ls?.stop();
  });

  test(
    'server.auth: no token → 401; a realm user token → the model list',
    async () => {
      const res = await fetch(`${ls.openaiBaseUrl}/models`);
      expect(res.status).toBe(401);
      const ok = await fetch(`${ls.openaiBaseUrl}/models`, { headers: { authorization: `Bearer ${tokens.developer}` } });
      expect(ok.status).toBe(200);
    },
    MINUTE,
  );

  test(
    'the developer asks for the pods of the Llama Stack namespace → the answer lists them',
    async () => {
      const turn = await ask(ls, model, tokens.developer, `Which pods run in namespace ${ns()}?`);
      process.stdout.write(`[e2e] llama-stack ${version} stream events: ${[...new Set(turn.eventTypes)].join(' ')}\n`);
      expect(turn.mcpCalls).toEqual([expect.objectContaining({ name: 'pods_list_in_namespace', arguments: JSON.stringify({ namespace: ns() }) })]);
      expect(turn.mcpCalls[0]!.output).toContain('e2e-ls-pod-a');
      expect(turn.text).toContain('e2e-ls-pod-a');
      expect(turn.text).toContain('e2e-ls-pod-b');
    },
    2 * MINUTE,
  );

  test(
    "the developer asks for kube-system → the API's Forbidden reaches the tool output and the answer",
    async () => {
      const turn = await ask(ls, model, tokens.developer, 'List the pods in namespace kube-system');
      expect(turn.mcpCalls).toHaveLength(1);
      // Both releases turn an MCP `isError` result into `error: "Error (code 1): None"` on the
      // mcp_call item (its text goes only to the model): the Forbidden reaches the user in the answer.
      expect(turn.mcpCalls[0]).toMatchObject({ name: 'pods_list_in_namespace', error: expect.stringMatching(/^Error \(code 1\)/) });
      expect(turn.mcpCalls[0]!.output ?? '').not.toContain('e2e-ls-system-pod');
      expect(turn.text).toMatch(/Forbidden|forbidden/);
      expect(turn.text).toContain('e2e-dev');
      expect(turn.text).not.toContain('e2e-ls-system-pod');
      process.stdout.write(`[e2e] llama-stack ${version} event shapes (success, then Forbidden):\n  ${[...shapes].join('\n  ')}\n`);
      shapes.clear();
    },
    2 * MINUTE,
  );

  test(
    'the admin asks for kube-system → listed',
    async () => {
      const turn = await ask(ls, model, tokens.admin, 'List the pods in namespace kube-system');
      expect(turn.text).toContain('e2e-ls-system-pod');
    },
    2 * MINUTE,
  );

  test(
    "two users interleaved many times never see each other's results; one token exchange per user token",
    async () => {
      const dev = await freshToken('developer');
      const adm = await freshToken('admin');
      const before = await counterTotal(mcp.baseUrl, 'mcp_token_exchanges_total');
      const rounds = 4;
      for (let i = 0; i < rounds; i++) {
        const [d, a] = await Promise.all([
          ask(ls, model, dev, 'List the pods in namespace kube-system'),
          ask(ls, model, adm, 'List the pods in namespace kube-system'),
        ]);
        expect(d.text).toMatch(/Forbidden|forbidden/);
        expect(d.text).toContain('e2e-dev');
        expect(d.text).not.toContain('e2e-ls-system-pod');
        expect(a.text).toContain('e2e-ls-system-pod');
        expect(a.text).not.toMatch(/Forbidden|forbidden/);
      }
      expect((await counterTotal(mcp.baseUrl, 'mcp_token_exchanges_total')) - before).toBe(2);
    },
    10 * MINUTE,
  );

  test(
    "the token in the other release's place does not reach the MCP server",
    async () => {
      const other: LlamaStackReleaseFacts = { ...ls.facts, mcpToolToken: ls.facts.mcpToolToken === 'headers' ? 'authorization' : 'headers' };
      const client = new OpenAI({ baseURL: ls.openaiBaseUrl, apiKey: tokens.developer, maxRetries: 0 });
      const call = client.responses.create({
        model,
        input: `Which pods run in namespace ${ns()}?`,
        stream: false,
        store: false,
        tools: [mcpTool(other, `${mcp.baseUrl}/mcp`, tokens.developer) as never],
      });
      const outcome = await call.then(
        (r) => JSON.stringify(r.output),
        (e: Error) => `error: ${e.message}`,
      );
      process.stdout.write(`[e2e] llama-stack ${version} with the token as '${other.mcpToolToken}': ${outcome.slice(0, 300)}\n`);
      expect(outcome).not.toContain('e2e-ls-pod-a');
      // 0.7.3 refuses an Authorization header (400); 0.2.22 ignores `authorization`, so the MCP server answers 401.
      expect(outcome).toMatch(ls.facts.mcpToolToken === 'authorization' ? /^error: 400\b/ : /^error: 401\b/);
    },
    2 * MINUTE,
  );

  /**
   * The journey at HTTP level (issue 8 item 4): the real Playground, started from the release's
   * dist/ by the pod runner (its synthesized args; the Llama Stack and MCP server Service URLs
   * mapped to the processes above), called as oauth2-proxy forwards a signed-in user.
   */
  describe('the Playground from dist/ in front of it', () => {
    let cluster: LocalCluster;
    let pg: RunningContainer;
    let pgUrl: string;
    let pgModel: string;

    beforeAll(async () => {
      cluster = await LocalCluster.load({
        distDir,
        kubeConfig: admin,
        apiserver: kube.server,
        runDir: join(workDir, version, 'pods'),
        addressMap: { [f.model.llamaStack.service.url]: ls.baseUrl, [f.model.mcpServer.service.url]: mcp.baseUrl },
      });
      const pod = await cluster.plan(f.model.playground.namespace, f.model.config.playground.name);
      pg = await cluster.start(pod, 'playground');
      pgUrl = `http://127.0.0.1:${pod.port('ui')}`;
      // Started with the synthesized args only: the release's API base path and MCP token field.
      expect(pg.argv).toEqual(
        expect.arrayContaining([
          `--api-base-path=${ls.facts.openaiBasePath}`,
          `--mcp-auth=${ls.facts.mcpToolToken}`,
          `--llama-stack-url=${ls.baseUrl}`,
          `--mcp-server-url=${mcp.baseUrl}/mcp`,
        ]),
      );
      const listed = await playgroundModels(pgUrl, tokens.developer);
      pgModel = listed.models.map((m) => m.id).find((id) => id === model)!;
      expect(pgModel).toBe(model);
    }, 2 * MINUTE);

    afterAll(async () => {
      await cluster?.stopAll();
    });

    test(
      'the developer asks for the pods of the Llama Stack namespace → the answer lists them',
      async () => {
        const turn = await askPlayground(pgUrl, tokens.developer, pgModel, `Which pods run in namespace ${ns()}?`);
        process.stdout.write(`[e2e] playground on llama-stack ${version}: ${turn.events.map((e) => e.type).join(' ')}\n`);
        expect(turn.status).toBe(200);
        expect(turn.events.at(-1)).toMatchObject({ type: 'done' });
        expect(turn.toolResults).toEqual([
          expect.objectContaining({ name: 'pods_list_in_namespace', arguments: JSON.stringify({ namespace: ns() }), forbidden: false }),
        ]);
        expect(turn.toolResults[0]!.output).toContain('e2e-ls-pod-a');
        expect(turn.text).toContain('e2e-ls-pod-a');
        expect(turn.text).toContain('e2e-ls-pod-b');
      },
      2 * MINUTE,
    );

    test(
      "the developer asks for kube-system → the answer shows the API's Forbidden, and the tool call is marked forbidden",
      async () => {
        const turn = await askPlayground(pgUrl, tokens.developer, pgModel, 'List the pods in namespace kube-system');
        process.stdout.write(`[e2e] playground on llama-stack ${version} Forbidden tool result: ${JSON.stringify(turn.toolResults)}\n`);
        expect(turn.events.at(-1)).toMatchObject({ type: 'done' });
        expect(turn.toolResults).toEqual([
          expect.objectContaining({ name: 'pods_list_in_namespace', forbidden: true, error: expect.stringMatching(/^Error \(code 1\)/) }),
        ]);
        expect(turn.text).toMatch(/is forbidden: User "e2e-dev"/);
        expect(turn.text).not.toContain('e2e-ls-system-pod');
      },
      2 * MINUTE,
    );

    test(
      'the admin asks for kube-system → listed',
      async () => {
        const turn = await askPlayground(pgUrl, tokens.admin, pgModel, 'List the pods in namespace kube-system');
        expect(turn.toolResults).toEqual([expect.objectContaining({ forbidden: false })]);
        expect(turn.text).toContain('e2e-ls-system-pod');
      },
      2 * MINUTE,
    );

    test(
      "two users at once, each many times, never see each other's answers; one token exchange per user token",
      async () => {
        const dev = await freshToken('developer');
        const adm = await freshToken('admin');
        const before = await counterTotal(mcp.baseUrl, 'mcp_token_exchanges_total');
        const q = 'List the pods in namespace kube-system';
        const rounds = await Promise.all([
          Promise.all(Array.from({ length: 4 }, () => askPlayground(pgUrl, dev, pgModel, q))),
          Promise.all(Array.from({ length: 4 }, () => askPlayground(pgUrl, adm, pgModel, q))),
        ]);
        for (const d of rounds[0]) {
          expect(d.toolResults).toEqual([expect.objectContaining({ forbidden: true })]);
          expect(d.text).toMatch(/is forbidden: User "e2e-dev"/);
          expect(d.text).not.toContain('e2e-ls-system-pod');
          expect(d.text).not.toContain('e2e-admin');
        }
        for (const a of rounds[1]) {
          expect(a.toolResults).toEqual([expect.objectContaining({ forbidden: false })]);
          expect(a.text).toContain('e2e-ls-system-pod');
          expect(a.text).not.toMatch(/forbidden/i);
        }
        expect((await counterTotal(mcp.baseUrl, 'mcp_token_exchanges_total')) - before).toBe(2);
      },
      10 * MINUTE,
    );

    test(
      "no access token in the Playground's log",
      async () => {
        await pg.assertNoSecretsInLog();
        const log = await pg.log();
        expect(log).toMatch(/"path":"\/api\/chat"/);
        for (const t of issued) expect(log.includes(t.split('.')[2]!)).toBe(false);
      },
      MINUTE,
    );
  });

  test(
    'the model endpoint gets the API token from the referenced Secret, and never a user token',
    async () => {
      const p = f.model.config.llamaStack.inference[0]!;
      const llm = llms.get(p.providerId)!;
      const secret = await readSecret(admin, ns(), p.apiToken!.name, p.apiToken!.key);
      const chats = llm.requests.filter((r) => r.path === '/v1/chat/completions');
      expect(chats.length).toBeGreaterThan(0);
      expect(chats.every((r) => r.headers.authorization === `Bearer ${secret}`)).toBe(true);
      const seen = JSON.stringify([...llms.values()].map((l) => l.requests));
      for (const t of issued) expect(seen.includes(t.split('.')[2]!)).toBe(false);
    },
    MINUTE,
  );

  test(
    'no access token in the logs of Llama Stack and the MCP server',
    async () => {
      const logs = [await readFile(ls.logFile, 'utf8'), await readFile(mcp.program.logFile, 'utf8')];
      for (const t of issued) {
        const signature = t.split('.')[2]!;
        for (const log of logs) expect(log.includes(signature)).toBe(false);
      }
      expect(issued.length).toBeGreaterThanOrEqual(4);
    },
    MINUTE,
  );

  test(
    'without the `files` provider the release does not start (the failure the coordinator asked for)',
    async () => {
      const dropFiles = (text: string) => {
        const cfg = parse(text);
        delete cfg.providers.files;
        cfg.apis = cfg.apis.filter((a: string) => a !== 'files');
        return stringify(cfg);
      };
      const err = await start(dropFiles, `${version}-no-files`).then(
        async (r) => {
          await r.stop();
          return undefined;
        },
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      const line = err!.message.split('\n').find((l) => /required dependency 'files'/.test(l));
      process.stdout.write(`[e2e] llama-stack ${version} without files: ${line}\n`);
      expect(line).toMatch(/^RuntimeError: Failed to resolve '[a-z_]+' provider '[-a-z]+' of type '[a-z:-]+': required dependency 'files' is not available/);
    },
    5 * MINUTE,
  );
});
