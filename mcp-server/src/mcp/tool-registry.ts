/**
 * What a fresh per-request `McpServer` needs that does not depend on the request, built once per
 * configuration generation (a reload builds a new generation, so a new registry):
 * - each tool's `registerTool` config with its zod raw shape already turned into the zod object
 *   the SDK would build on every registration (`objectFromShape`, the SDK's own conversion, so
 *   `tools/list` stays byte-identical);
 * - each tool's wrapped handler (audit, metrics, credentials; the caller arrives with the call);
 * - one JSON-schema validator (the SDK's Ajv provider) instead of a new Ajv per server.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { objectFromShape } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Generation } from '../runtime.js';
import { registrationOf } from '../tools/index.js';
import type { ToolDef } from '../tools/types.js';

/** Builds a tool's SDK callback for a generation (server-factory.ts's wrapper). */
export type HandlerFactory<D> = (def: ToolDef, gen: Generation, deps: D) => (...args: never[]) => unknown;

export interface ToolRegistry {
  /** Shared by every McpServer of this generation (`ServerOptions.jsonSchemaValidator`). */
  readonly validator: AjvJsonSchemaValidator;
  /** Register `def` (a tool of this generation) on `server`, with the prepared config and handler. */
  register(server: McpServer, def: ToolDef): void;
}

interface Prepared {
  readonly config: Parameters<McpServer['registerTool']>[1];
  readonly handler: Parameters<McpServer['registerTool']>[2];
}

const registries = new WeakMap<object, WeakMap<Generation, ToolRegistry>>();

/**
 * The registry of `gen` (built on first use, then cached while the generation lives; entries go
 * with their generation, a WeakMap, so a reload leaves nothing behind).
 * @param deps the factory's dependencies (metrics, log, discovery); part of the cache key
 */
export function registryFor<D extends object>(gen: Generation, deps: D, handlerFor: HandlerFactory<D>): ToolRegistry {
  let byGen = registries.get(deps);
  if (!byGen) registries.set(deps, (byGen = new WeakMap()));
  let registry = byGen.get(gen);
  if (registry) return registry;
  const prepared = new Map<ToolDef, Prepared>();
  for (const def of gen.tools) {
    const reg = registrationOf(def);
    prepared.set(def, { config: { ...reg, inputSchema: objectFromShape(reg.inputSchema) } as never, handler: handlerFor(def, gen, deps) as never });
  }
  registry = {
    validator: new AjvJsonSchemaValidator(),
    register(server, def) {
      const p = prepared.get(def);
      if (!p) throw new Error(`tool ${def.name} is not a tool of configuration generation ${gen.id}`);
      server.registerTool(def.name, p.config, p.handler);
    },
  };
  byGen.set(gen, registry);
  return registry;
}
