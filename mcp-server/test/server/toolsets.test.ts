/**
 * The server with the real toolsets (helper-owned `tools/`): they register on a fresh McpServer,
 * keep their annotations, are filtered by the config, and API-group tools follow discovery.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { allTools } from '../../src/tools/index.js';
import { startHarness, type Harness } from './support/harness.js';
import { z } from 'zod';
import type { ToolDef } from '../../src/tools/types.js';

async function listed(h: Harness): Promise<{ name: string; annotations?: Record<string, unknown> }[]> {
  const client = new Client({ name: 't', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${h.server.url}/mcp`)));
  const { tools } = await client.listTools();
  await client.close();
  return tools;
}

describe('real toolsets', () => {
  let h: Harness;
  afterEach(async () => h.server.stop());

  it('lists the anchor tool names with their annotations, hiding API-group tools the cluster lacks', async () => {
    h = await startHarness(() => 'port = 0\n', allTools);
    const tools = await listed(h);
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['namespaces_list', 'pods_list', 'pods_log', 'resources_create_or_update', 'configuration_view']));
    // The test discovery serves no groups: no OpenShift projects, no metrics API.
    expect(names).not.toContain('projects_list');
    expect(names).not.toContain('pods_top');
    for (const t of tools)
      expect(t.annotations).toEqual(
        expect.objectContaining({ readOnlyHint: expect.any(Boolean), destructiveHint: expect.any(Boolean), idempotentHint: expect.any(Boolean) }),
      );
  });

  it('keeps only read-only tools with read_only = true', async () => {
    h = await startHarness(() => 'port = 0\nread_only = true\n', allTools);
    const tools = await listed(h);
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('pods_delete');
  });
});

describe('audit of a tool that throws', () => {
  const boom: ToolDef = {
    name: 'boom',
    toolset: 'core',
    description: 'throws',
    inputSchema: { name: z.string() },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    async handler(args, _ctx, target) {
      target.name = (args as { name: string }).name;
      throw new Error('kaput');
    },
  };
  let h: Harness;
  afterAll(async () => h.server.stop());

  it('returns isError, writes outcome "exception" and counts it', async () => {
    h = await startHarness(
      () => 'port = 0\n',
      () => [boom],
    );
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${h.server.url}/mcp`)));
    const res = await client.callTool({ name: 'boom', arguments: { name: 'x1' } });
    await client.close();
    expect(res.isError).toBe(true);
    expect(h.logLines.find((l) => l.audit === true)).toMatchObject({ tool: 'boom', name: 'x1', outcome: 'exception' });
    expect(await h.server.metrics.registry.getSingleMetricAsString('mcp_tool_calls_total')).toContain(
      'mcp_tool_calls_total{tool="boom",outcome="exception"} 1',
    );
  });
});
