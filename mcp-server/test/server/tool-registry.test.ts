/**
 * Tool registrations are built once per configuration generation, not per request: the fresh
 * per-request McpServer reuses them, a new generation (reload) rebuilds them, and `tools/list`
 * through the server factory stays byte-identical to the golden files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpServer, type FactoryDeps } from '../../src/mcp/server-factory.js';
import { registryFor } from '../../src/mcp/tool-registry.js';
import type { Generation } from '../../src/runtime.js';
import { allTools, filterTools, TOOLSETS } from '../../src/tools/index.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');
const deps = {} as FactoryDeps; // registration touches no dependency; tools/call is not exercised here

function generation(id: number, toolsets: string[]): Generation {
  return { id, tools: filterTools(allTools(), { toolsets }) } as unknown as Generation;
}

async function listed(server: McpServer): Promise<unknown[]> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'registry-test', version: '0.0.0' });
  await Promise.all([server.connect(a), client.connect(b)]);
  try {
    const { tools } = await client.listTools();
    return [...tools].sort((x, y) => x.name.localeCompare(y.name));
  } finally {
    await client.close();
    await server.close();
  }
}

describe('tool registry (built once per configuration generation)', () => {
  it.each(TOOLSETS.map((s) => [s]))(
    'tools/list of the server factory for toolset %s equals the golden file, on the first and a later request',
    async (toolset) => {
      const gen = generation(1, [toolset]);
      const golden = readFileSync(join(GOLDEN_DIR, `toolsets-${toolset}-tools.json`), 'utf8');
      for (let request = 0; request < 2; request++) {
        const server = await createMcpServer(gen, deps, undefined, false);
        expect(JSON.stringify(await listed(server), null, 2) + '\n').toBe(golden);
      }
    },
  );

  it('builds each handler once per generation, however many requests; a new generation rebuilds', () => {
    const built: string[] = [];
    const factory = (def: { name: string }) => {
      built.push(def.name);
      return async () => ({ content: [] });
    };
    const gen1 = generation(1, ['core']);
    const r1 = registryFor(gen1, deps, factory);
    for (let i = 0; i < 5; i++) expect(registryFor(gen1, deps, factory)).toBe(r1);
    expect(built).toHaveLength(gen1.tools.length);
    expect(new Set(built).size).toBe(gen1.tools.length);

    const gen2 = generation(2, ['core']);
    const r2 = registryFor(gen2, deps, factory);
    expect(r2).not.toBe(r1);
    expect(r2.validator).not.toBe(r1.validator);
    expect(built).toHaveLength(2 * gen1.tools.length);
  });

  it('refuses a tool that is not part of the generation', () => {
    const gen = generation(3, ['core']);
    const helm = allTools().find((t) => t.toolset === 'helm')!;
    const registry = registryFor(gen, deps, () => async () => ({ content: [] }));
    expect(() => registry.register({ registerTool: () => undefined } as unknown as McpServer, helm)).toThrow(/not a tool of configuration generation 3/);
  });
});
