/** Toolset core: Pod logs and exec (both need a kubelet behind the API server). */
import { clientNode, fullKubeConfig } from '../../k8s/kube-config.js';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { defineTool, namespaceOr } from '../define.js';
import { BUILTIN, gvkOf } from '../output.js';
import { assertAllowed } from '../policy.js';
import { textResult, ToolError } from '../result.js';
import { getResource, resourcePath } from '../../k8s/resource-client.js';
import { kubeRequestText, recordKubeRequest } from '../../k8s/request.js';
import { labelName, optionalNamespace, subdomainName } from '../names.js';

export const podsLog = defineTool({
  name: 'pods_log',
  toolset: 'core',
  description: 'Get the logs of a Kubernetes Pod in the current or provided namespace with the provided name',
  inputSchema: {
    namespace: optionalNamespace().describe('Namespace of the Pod (Optional, current namespace if not provided)'),
    name: subdomainName().describe('Name of the Pod to get the logs from'),
    container: labelName().optional().describe('Name of the Pod container to get the logs from (Optional)'),
    previous: z.boolean().optional().describe('Return previous terminated container logs (Optional)'),
    tail: z.number().int().min(0).default(100).describe('Number of lines to retrieve from the end of the logs (Optional, default: 100, 0 means all)'),
  },
  annotations: { title: 'Pods: Log', readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'Pod', namespace: ns, name: a.name });
    assertAllowed(ctx, gvkOf(BUILTIN.pod));
    const text = await kubeRequestText(ctx.kubeConfig, {
      path: resourcePath(BUILTIN.pod, ns, a.name, 'log'),
      query: { container: a.container, previous: a.previous || undefined, tailLines: a.tail > 0 ? a.tail : undefined },
      accept: '*/*',
    });
    return textResult(text === '' ? `The pod ${ns}/${a.name} has not logged any message yet` : text);
  },
});

/** Collects a stream into a string (bounded to `max` bytes; the rest is dropped with a marker). */
class Collector extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;
  constructor(private readonly max = 1_000_000) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    if (this.size < this.max) this.chunks.push(chunk.subarray(0, this.max - this.size));
    else this.truncated = true;
    this.size += chunk.length;
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8') + (this.truncated ? '\n[output truncated]' : '');
  }
}

export const podsExec = defineTool({
  name: 'pods_exec',
  toolset: 'core',
  description: 'Execute a command in a Kubernetes Pod container in the current or provided namespace with the provided name and command',
  inputSchema: {
    namespace: optionalNamespace().describe('Namespace of the Pod (Optional, current namespace if not provided)'),
    name: subdomainName().describe('Name of the Pod where the command will be executed'),
    command: z.array(z.string()).min(1).describe('Command to execute: the first item is the program, the rest its arguments. Example: ["ls", "-l", "/tmp"]'),
    container: labelName().optional().describe('Name of the Pod container where the command will be executed (Optional, first container if not provided)'),
  },
  annotations: { title: 'Pods: Exec', readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (a, ctx, target) => {
    const ns = namespaceOr(ctx, a.namespace);
    Object.assign(target, { kind: 'Pod', namespace: ns, name: a.name });
    assertAllowed(ctx, gvkOf(BUILTIN.pod));
    // Read the Pod first: it names the default container, and a Pod that is not Running gets a
    // clear answer instead of the bare WebSocket upgrade failure.
    const pod = (await getResource(ctx.kubeConfig, BUILTIN.pod, ns, a.name)) as {
      spec?: { containers?: { name: string }[] };
      status?: { phase?: string };
    };
    const container = a.container || pod.spec?.containers?.[0]?.name;
    if (!container) throw new ToolError(`pod ${ns}/${a.name} has no containers`);
    const phase = pod.status?.phase ?? 'Unknown';
    if (phase !== 'Running') throw new ToolError(`cannot exec in pod ${ns}/${a.name}: its phase is ${phase}; exec needs a running container`);
    const stdout = new Collector();
    const stderr = new Collector();
    recordKubeRequest(ctx.kubeConfig, 'GET', 'websocket');
    const status = await new Promise<{ status?: string; message?: string }>((resolve, reject) => {
      new (clientNode().Exec)(fullKubeConfig(ctx.kubeConfig))
        .exec(ns, a.name, container, a.command, stdout, stderr, null, false, (s) => resolve(s))
        .then((ws) => ws.on('close', () => resolve({ status: 'Unknown' })))
        // The WebSocket layer rejects with an ErrorEvent, not an Error.
        .catch((e: { message?: string }) => reject(new ToolError(`exec in pod ${ns}/${a.name} failed: ${e?.message ?? String(e)}`)));
    });
    const out = stdout.text() + stderr.text();
    if (status.status === 'Failure') {
      return { content: [{ type: 'text', text: `${status.message ?? 'command failed'}\n${out}`.trimEnd() }], isError: true };
    }
    return textResult(out === '' ? 'The command completed successfully with no output' : out);
  },
});
