/** A ToolContext for unit tests, pointing at a fake API server. */
import pino from 'pino';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createDiscoveryCache } from '../../src/k8s/discovery.js';
import type { AuditTarget, ToolContext, ToolDef } from '../../src/tools/types.js';
import { allTools } from '../../src/tools/index.js';
import type { FakeApiServer } from '../k8s/fake-apiserver.js';

export function testContext(fake: FakeApiServer, over: Partial<ToolContext> = {}): ToolContext {
  return {
    kubeConfig: fake.kubeConfig(),
    discovery: createDiscoveryCache(),
    listOutput: 'table',
    deniedResources: [],
    allowSecretValues: false,
    user: { sub: 'u-1', preferredUsername: 'alice' },
    log: pino({ level: 'silent' }),
    ...over,
  };
}

export function tool(name: string): ToolDef {
  const t = allTools().find((x) => x.name === name);
  if (!t) throw new Error(`no tool ${name}`);
  return t;
}

/** Call a tool the way the server does: arguments parsed by the tool's zod shape first. */
export async function call(name: string, args: Record<string, unknown>, ctx: ToolContext, target: AuditTarget = {}): Promise<CallToolResult> {
  const { z } = await import('zod');
  const t = tool(name);
  const parsed = z.object(t.inputSchema).parse(args);
  return t.handler(parsed as never, ctx, target);
}

/** The text of a result's first content item. */
export function text(r: CallToolResult): string {
  const c = r.content[0];
  return c && c.type === 'text' ? c.text : '';
}
