/**
 * Golden files pin exactly what an MCP client sees in `tools/list` per toolset (names, titles,
 * descriptions, JSON schemas, annotations), so any change shows up in review.
 * Regenerate after an intended change: `UPDATE_GOLDEN=1 npm test -- --selectProjects unit --testPathPattern mcp-server/test/tools/golden`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { allTools, filterTools, registrationOf, TOOLSETS } from '../../src/tools/index.js';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

async function listedTools(toolset: string): Promise<unknown[]> {
  const server = new McpServer({ name: 'golden', version: '0.0.0' });
  for (const t of filterTools(allTools(), { toolsets: [toolset] })) {
    server.registerTool(t.name, registrationOf(t), async () => ({ content: [] }));
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'golden-client', version: '0.0.0' });
  await Promise.all([server.connect(a), client.connect(b)]);
  try {
    const { tools } = await client.listTools();
    return [...tools].sort((x, y) => x.name.localeCompare(y.name));
  } finally {
    await client.close();
    await server.close();
  }
}

describe.each(TOOLSETS.map((s) => [s]))('tools/list golden for toolset %s', (toolset) => {
  it('matches the committed golden file', async () => {
    const file = join(GOLDEN_DIR, `toolsets-${toolset}-tools.json`);
    const actual = JSON.stringify(await listedTools(toolset), null, 2) + '\n';
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
    if (!existsSync(file)) throw new Error(`${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});
