/**
 * Driving the bundled MCP server from the suite: an MCP SDK client over Streamable HTTP with
 * the user's bearer token, raw unauthenticated/bad-token requests, the server's Prometheus
 * metrics, and the config.toml the stack synthesized, re-pointed at the harness.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { parse, stringify } from 'smol-toml';
import { manifestFiles, readManifests } from './apply.js';

/** A connected SDK client acting with `token` (closed by the caller). */
export async function mcpClient(mcpUrl: string, token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'kube-mcp-stack-e2e', version: '0.1.0' });
  await client.connect(transport);
  return client;
}

/** Text of a tool result (all text parts joined). */
export function resultText(result: object): string {
  const parts = ((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[];
  return parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text ?? '')
    .join('\n');
}

/** A JSON-RPC `initialize` POSTed to `/mcp` with an optional Authorization header. */
export async function rawInitialize(mcpUrl: string, authorization?: string): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }),
  });
}

/** Sum of a Prometheus counter's samples (all label sets) in `/metrics`, optionally filtered by a label text. */
export async function counterTotal(baseUrl: string, name: string, labelFilter?: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labelFilter && !line.includes(labelFilter)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** The `config.toml` of the MCP server ConfigMap in `dist/`, parsed. @throws when dist has none */
export async function synthesizedMcpConfig(distDir: string): Promise<Record<string, unknown>> {
  for (const file of await manifestFiles(distDir)) {
    for (const o of await readManifests(file)) {
      const data = (o as { data?: Record<string, string> }).data;
      if (o.kind === 'ConfigMap' && data?.['config.toml']) return parse(data['config.toml']) as Record<string, unknown>;
    }
  }
  throw new Error(`no ConfigMap with config.toml in ${distDir}`);
}

/** What a loopback run changes in the synthesized config: where things are on this machine. */
export interface LocalOverrides {
  readonly port: number;
  /** Kubeconfig with only the apiserver address and CA. */
  readonly kubeconfig: string;
  /** The harness Keycloak CA (PEM file). */
  readonly certificateAuthority: string;
  /** File holding the STS client secret (copied from its Secret). */
  readonly stsClientSecretFile: string;
  readonly readOnly?: boolean;
}

/** The synthesized config.toml with only the machine-local keys replaced, as TOML text. */
export async function localMcpConfigToml(distDir: string, o: LocalOverrides): Promise<string> {
  const table = await synthesizedMcpConfig(distDir);
  const local: Record<string, unknown> = {
    ...table,
    port: String(o.port),
    cluster_provider_strategy: 'kubeconfig',
    kubeconfig: o.kubeconfig,
    certificate_authority: o.certificateAuthority,
    sts_client_secret_file: o.stsClientSecretFile,
    server_url: `http://127.0.0.1:${o.port}`,
    ...(o.readOnly === undefined ? {} : { read_only: o.readOnly }),
  };
  return `# config.toml synthesized by the stack, machine-local keys replaced by the e2e suite\n${stringify(local)}\n`;
}
