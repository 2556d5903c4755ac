/**
 * In-process stand-in for the Kubernetes API server (unit tier only): an HTTP server whose routes
 * the test declares, recording every request (method, path, query, headers, body). Real-apiserver
 * proof lives in test/e2e.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '../../src/k8s/kube-config.js';
import { kubeConfigForToken, type ClusterTarget } from '../../src/k8s/cluster.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body?: unknown;
  contentType?: string;
}

export type Route = (req: RecordedRequest) => Reply | undefined;

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** Add a handler; the first one returning a reply wins. Unmatched requests get a 404 Status. */
  on(method: string, path: string | RegExp, reply: Reply | ((r: RecordedRequest) => Reply)): void;
  /**
   * Answer WebSocket upgrades on `path` (exec/attach) with the Kubernetes channel protocol: each
   * message is `[channel byte, ...payload]`, sent as binary frames, then a close frame.
   */
  onUpgrade(path: RegExp, messages: (r: RecordedRequest) => Buffer[]): void;
  /** A ClusterTarget pointing here (http, so skipTLSVerify is set as client-node requires). */
  target(namespace?: string): ClusterTarget;
  /** A KubeConfig for `token` against this server. */
  kubeConfig(token?: string, namespace?: string): KubeConfig;
  close(): Promise<void>;
}

/** A metav1.Status error body, as the API server sends it. */
export function status(code: number, reason: string, message: string): Reply {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      let reply: Reply | undefined;
      for (const r of routes) if ((reply = r(rec))) break;
      reply ??= status(404, 'NotFound', `the server could not find the requested resource (${rec.method} ${rec.path})`);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.contentType ?? (typeof reply.body === 'string' ? 'text/plain' : 'application/json') });
      res.end(text);
    });
  });
  const upgrades: { path: RegExp; messages: (r: RecordedRequest) => Buffer[] }[] = [];
  server.on('upgrade', (req, socket) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const rec: RecordedRequest = { method: 'UPGRADE', path: u.pathname, query: u.searchParams, headers: req.headers, body: '' };
    requests.push(rec);
    const h = upgrades.find((x) => x.path.test(u.pathname));
    if (!h) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    // RFC 6455 §4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)).
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    const proto = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')[0]
      .trim();
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${proto}\r\n\r\n`,
    );
    const frame = (opcode: number, payload: Buffer) => {
      if (payload.length > 125) throw new Error('fake apiserver: frame payload over 125 bytes');
      return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
    };
    for (const m of h.messages(rec)) socket.write(frame(0x2, m));
    socket.write(frame(0x8, Buffer.from([0x03, 0xe8]))); // close 1000
    socket.on('data', () => undefined);
    setTimeout(() => socket.destroy(), 50);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeApiServer = {
    url,
    requests,
    on(method, path, reply) {
      routes.push((r) => {
        if (r.method !== method) return undefined;
        if (typeof path === 'string' ? r.path !== path : !path.test(r.path)) return undefined;
        return typeof reply === 'function' ? reply(r) : reply;
      });
    },
    onUpgrade(path, messages) {
      upgrades.push({ path, messages });
    },
    target(namespace = 'default') {
      return { name: 'fake', server: url, skipTLSVerify: true, namespace };
    },
    kubeConfig(token = 'token-alice', namespace = 'default') {
      return kubeConfigForToken(fake.target(namespace), token);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  return fake;
}

/** Discovery documents for a small cluster: core v1 (pods, namespaces, secrets, events, nodes, services) and apps/v1. */
export function serveDiscovery(fake: FakeApiServer, extraGroups: { name: string; version: string; resources: object[] }[] = []): void {
  fake.on('GET', '/api', { body: { kind: 'APIVersions', versions: ['v1'] } });
  fake.on('GET', '/api/v1', {
    body: {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list'] },
        { name: 'pods/log', kind: 'Pod', namespaced: true, verbs: ['get'] },
        { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['get', 'list'] },
        { name: 'secrets', kind: 'Secret', namespaced: true, verbs: ['get', 'list'] },
        { name: 'events', kind: 'Event', namespaced: true, verbs: ['get', 'list'] },
        { name: 'nodes', kind: 'Node', namespaced: false, verbs: ['get', 'list'] },
        { name: 'services', kind: 'Service', namespaced: true, verbs: ['get', 'list'] },
        { name: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: ['get', 'list'] },
      ],
    },
  });
  const groups = [
    {
      name: 'apps',
      version: 'v1',
      resources: [
        { name: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'list'] },
        { name: 'deployments/scale', kind: 'Scale', group: 'autoscaling', version: 'v1', namespaced: true, verbs: ['get', 'patch'] },
      ],
    },
    ...extraGroups,
  ];
  fake.on('GET', '/apis', {
    body: {
      kind: 'APIGroupList',
      groups: groups.map((g) => ({
        name: g.name,
        versions: [{ groupVersion: `${g.name}/${g.version}`, version: g.version }],
        preferredVersion: { groupVersion: `${g.name}/${g.version}`, version: g.version },
      })),
    },
  });
  for (const g of groups) {
    fake.on('GET', `/apis/${g.name}/${g.version}`, { body: { kind: 'APIResourceList', groupVersion: `${g.name}/${g.version}`, resources: g.resources } });
  }
}
