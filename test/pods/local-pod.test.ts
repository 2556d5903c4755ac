/**
 * The pod runner of the e2e suite (test/e2e/pods/local-pod.ts) without an apiserver: planning,
 * Service-name mapping, argv/env rewriting, readiness from the spec's probe, stop by pid and the
 * log check. (Secret/ConfigMap resolution is exercised by the e2e suites against the harness.)
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { isRunning } from '../e2e/kube/processes.js';
import { JWT_PATTERN, LocalCluster, splitImage, type LocalImage } from '../e2e/pods/local-pod.js';

const kc = new KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
  users: [{ name: 'none' }],
  contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
  currentContext: 'none',
});

/** A tiny program: serves /ready, and prints its argv and one env var once. */
const ECHO = `
const http = require('node:http');
const addr = process.argv.find((a) => a.startsWith('--listen=')).slice(9);
const [host, port] = addr.split(':');
console.log(JSON.stringify({ argv: process.argv.slice(1), target: process.env.TARGET, where: process.env.KMS_SA }));
if (process.argv.includes('--leak')) console.log('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4eHh4eHh4In0.c2lnbmF0dXJlc2ln');
http.createServer((q, r) => r.end('ok')).listen(Number(port), host);
`;
const images: Record<string, LocalImage> = {
  'registry.example.com/echo': { entrypoint: async () => [process.execPath, '-e', ECHO, '--'], implicitMounts: { '/var/run/sa': 'KMS_SA' } },
};

const dirs: string[] = [];
async function distWith(objects: object[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kms-pods-'));
  dirs.push(dir);
  await writeFile(join(dir, '0000-app.k8s.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const deployment = (name: string, ns: string, container: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [container], volumes: [{ name: 'sa', emptyDir: {} }] } },
  },
});
const service = (name: string, ns: string, port: number, target: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort: target }] },
});

describe('LocalCluster', () => {
  it('splits image references into repository and tag', () => {
    expect(splitImage('quay.io/oauth2-proxy/oauth2-proxy:v7.15.6')).toEqual(['quay.io/oauth2-proxy/oauth2-proxy', 'v7.15.6']);
    expect(splitImage('registry:5000/a/b')).toEqual(['registry:5000/a/b', undefined]);
    expect(splitImage('a/b@sha256:abc')).toEqual(['a/b', 'sha256:abc']);
  });

  it('plans free loopback ports per container port and maps Service URLs to the pod they select', async () => {
    const dist = await distWith([
      deployment('api', 'ns1', { name: 'main', image: 'registry.example.com/echo:1', ports: [{ name: 'http', containerPort: 8000 }] }),
      service('api', 'ns1', 80, 'http'),
    ]);
    const c = await LocalCluster.load({ distDir: dist, kubeConfig: kc, apiserver: 'https://127.0.0.1:6443', runDir: join(dist, 'run'), images });
    expect(c.localUrl('http://api.ns1.svc:80/mcp')).toBe('http://api.ns1.svc:80/mcp'); // not planned yet
    const pod = await c.plan('ns1', 'api');
    expect(pod.port('http')).toBe(pod.port(8000));
    expect(pod.port(8000)).toBeGreaterThan(1024);
    expect(c.localUrl('http://api.ns1.svc:80/mcp')).toBe(`http://127.0.0.1:${pod.port(8000)}/mcp`);
    expect(c.localUrl('http://api.ns1.svc.cluster.local:80/x')).toBe(`http://127.0.0.1:${pod.port(8000)}/x`);
    expect(c.localUrl('http://api.ns1.svc:81/x')).toBe('http://api.ns1.svc:81/x'); // no such Service port
    expect(c.localUrl('http://xapi.ns1.svc:80/x')).toBe('http://xapi.ns1.svc:80/x');
    await expect(c.plan('ns1', 'nope')).rejects.toThrow(/no Deployment or StatefulSet ns1\/nope/);
    expect(() => pod.port(9999)).toThrow(/no container port 9999/);
  });

  it('starts a container with its args and env rewritten, waits for its readinessProbe, stops it by pid', async () => {
    const dist = await distWith([
      deployment('api', 'ns1', { name: 'main', image: 'registry.example.com/echo:1', ports: [{ name: 'http', containerPort: 8000 }] }),
      service('api', 'ns1', 80, 'http'),
      deployment('web', 'ns2', {
        name: 'web',
        image: 'registry.example.com/echo:2',
        args: ['--listen=0.0.0.0:4180', '--upstream=http://localhost:8501', '--cidr=10.128.0.0/14', '--route=https://web.apps.example.com/cb'],
        env: [{ name: 'TARGET', value: 'http://api.ns1.svc:80/mcp' }],
        ports: [
          { name: 'proxy', containerPort: 4180 },
          { name: 'ui', containerPort: 8501 },
        ],
        readinessProbe: { httpGet: { path: '/ready', port: 'proxy' } },
        volumeMounts: [{ name: 'sa', mountPath: '/var/run/sa' }],
      }),
    ]);
    const c = await LocalCluster.load({
      distDir: dist,
      kubeConfig: kc,
      apiserver: 'https://127.0.0.1:6443',
      runDir: join(dist, 'run'),
      images,
      addressMap: { '10.128.0.0/14': '127.0.0.1/32' },
    });
    const api = await c.plan('ns1', 'api');
    const web = await c.plan('ns2', 'web');
    const r = await c.start(web, 'web');
    try {
      expect((await fetch(`http://127.0.0.1:${web.port('proxy')}/ready`)).status).toBe(200);
      const printed = JSON.parse((await readFile(r.logFile, 'utf8')).split('\n')[0]);
      expect(printed.argv).toEqual([
        `--listen=127.0.0.1:${web.port(4180)}`,
        `--upstream=http://127.0.0.1:${web.port(8501)}`,
        '--cidr=127.0.0.1/32',
        '--route=https://web.apps.example.com/cb',
      ]);
      expect(printed.target).toBe(`http://127.0.0.1:${api.port(8000)}/mcp`);
      expect(printed.where).toBe(join(web.dir, 'web', 'volumes', 'sa'));
      expect(r.env.KUBERNETES_SERVICE_HOST).toBe('127.0.0.1');
      expect(r.env.KUBERNETES_SERVICE_PORT).toBe('6443');
      await r.assertNoSecretsInLog();
    } finally {
      await c.stopAll();
    }
    expect(isRunning(r.program)).toBe(false);
  }, 30_000);

  it('the log check finds a JWT', async () => {
    const dist = await distWith([
      deployment('web', 'ns2', {
        name: 'web',
        image: 'registry.example.com/echo:2',
        args: ['--listen=127.0.0.1:4180'],
        ports: [{ containerPort: 4180 }],
        readinessProbe: { httpGet: { path: '/', port: 4180 } },
      }),
    ]);
    const c = await LocalCluster.load({ distDir: dist, kubeConfig: kc, apiserver: 'https://127.0.0.1:6443', runDir: join(dist, 'run'), images });
    const r = await c.start(await c.plan('ns2', 'web'), 'web', { extraArgs: ['--leak'] });
    try {
      await expect(r.assertNoSecretsInLog()).rejects.toThrow(/holds a JWT/);
    } finally {
      await c.stopAll();
    }
    expect(JWT_PATTERN.test('no token here')).toBe(false);
  }, 30_000);

  it('refuses an image with no local program, naming it', async () => {
    const dist = await distWith([deployment('x', 'ns', { name: 'x', image: 'registry.example.com/unknown:1' })]);
    const c = await LocalCluster.load({ distDir: dist, kubeConfig: kc, apiserver: 'https://127.0.0.1:6443', runDir: join(dist, 'run'), images });
    await expect(c.start(await c.plan('ns', 'x'), 'x')).rejects.toThrow(/no local program for image registry.example.com\/unknown/);
  });
});
