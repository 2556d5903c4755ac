/**
 * API discovery, cached per cluster (server URL) and shared by all callers of that cluster.
 * Discovery documents (`/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`) are readable by every
 * authenticated user (ClusterRole `system:discovery`), so sharing them leaks nothing user-specific.
 *
 * Group list: fetched once and refreshed after `ttlMs`, or on a miss when the last refresh is older
 * than `missRefreshMs` (so a CRD installed a moment ago is found without hammering the server).
 * Resource lists per group/version: fetched lazily, refreshed the same way.
 */
import type { KubeConfig } from './kube-config.js';
import type { DiscoveryCache, ResourceMapping } from './types.js';
import { kubeRequest, KubeApiError } from './request.js';

export interface DiscoveryCacheOptions {
  /** Age after which cached documents are refetched, ms; default 10 min. */
  ttlMs?: number;
  /** Minimum age before a miss triggers a refetch, ms; default 5 s. */
  missRefreshMs?: number;
  /** Clock (tests); default `Date.now`. */
  now?: () => number;
}

interface APIGroup {
  name: string;
  versions: { groupVersion: string; version: string }[];
  preferredVersion?: { groupVersion: string; version: string };
}
interface APIResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

interface Stamped<T> {
  at: number;
  value: Promise<T>;
}

interface ClusterEntry {
  groups?: Stamped<APIGroup[]>;
  resources: Map<string, Stamped<APIResource[]>>;
}

/** Thrown when a kind cannot be resolved to a resource. */
export class UnknownKindError extends Error {
  constructor(apiVersion: string | undefined, kind: string) {
    super(
      `the server doesn't have a resource type "${kind}"${apiVersion ? ` in ${apiVersion}` : ''}; check apiVersion and kind (kind is case-sensitive, e.g. Deployment)`,
    );
    this.name = 'UnknownKindError';
  }
}

/** Split `apps/v1` → {group: apps, version: v1}; `v1` → {group: '', version: v1}. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Create the cache; one instance per server process, shared across requests. */
export function createDiscoveryCache(options: DiscoveryCacheOptions = {}): DiscoveryCache & { clear(): void } {
  const ttl = options.ttlMs ?? 600_000;
  const missRefresh = options.missRefreshMs ?? 5_000;
  const now = options.now ?? Date.now;
  const clusters = new Map<string, ClusterEntry>();

  function entryFor(kc: KubeConfig): ClusterEntry {
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('KubeConfig has no current cluster');
    let e = clusters.get(server);
    if (!e) clusters.set(server, (e = { resources: new Map() }));
    return e;
  }

  function stamp<T>(load: () => Promise<T>): Stamped<T> {
    const s: Stamped<T> = { at: now(), value: load() };
    // A failed load must not stay cached.
    s.value.catch(() => {
      s.at = -Infinity;
    });
    return s;
  }

  function fresh<T>(s: Stamped<T> | undefined, force: boolean): s is Stamped<T> {
    if (!s) return false;
    const age = now() - s.at;
    return force ? age < missRefresh : age < ttl;
  }

  async function groups(kc: KubeConfig, e: ClusterEntry, force = false): Promise<APIGroup[]> {
    if (!fresh(e.groups, force)) {
      e.groups = stamp(async () => {
        const core = await kubeRequest<{ versions: string[] }>(kc, { path: '/api' });
        const list = await kubeRequest<{ groups: APIGroup[] }>(kc, { path: '/apis' });
        const coreGroup: APIGroup = {
          name: '',
          versions: core.versions.map((v) => ({ groupVersion: v, version: v })),
          preferredVersion: { groupVersion: 'v1', version: 'v1' },
        };
        return [coreGroup, ...(list.groups ?? [])];
      });
    }
    return e.groups!.value;
  }

  async function resources(kc: KubeConfig, e: ClusterEntry, groupVersion: string, force = false): Promise<APIResource[]> {
    const cur = e.resources.get(groupVersion);
    if (!fresh(cur, force)) {
      const path = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
      e.resources.set(
        groupVersion,
        stamp(async () => {
          try {
            const list = await kubeRequest<{ resources: APIResource[] }>(kc, { path });
            return (list.resources ?? []).filter((r) => !r.name.includes('/')); // drop subresources
          } catch (err) {
            if (err instanceof KubeApiError && err.code === 404) return [];
            throw err;
          }
        }),
      );
    }
    return e.resources.get(groupVersion)!.value;
  }

  function toMapping(groupVersion: string, r: APIResource): ResourceMapping {
    const { group, version } = parseApiVersion(groupVersion);
    return { group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced };
  }

  async function lookup(kc: KubeConfig, e: ClusterEntry, apiVersion: string | undefined, kind: string, force: boolean) {
    const lower = kind.toLowerCase();
    const match = (r: APIResource) => r.kind === kind || r.name === lower || r.kind.toLowerCase() === lower;
    if (apiVersion) {
      const found = (await resources(kc, e, apiVersion, force)).find(match);
      return found ? toMapping(apiVersion, found) : undefined;
    }
    // Kind only: preferred version of each group, core first (as kubectl does).
    // Fetched in parallel; an unavailable aggregated API (e.g. metrics down, 503) counts as empty.
    const gvs = (await groups(kc, e, force)).map((g) => g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion).filter((gv): gv is string => !!gv);
    const lists = await Promise.all(gvs.map((gv) => resources(kc, e, gv, force).catch(() => [] as APIResource[])));
    for (let i = 0; i < gvs.length; i++) {
      const found = lists[i].find(match);
      if (found) return toMapping(gvs[i], found);
    }
    return undefined;
  }

  return {
    async resolve(kc, apiVersion, kind) {
      const e = entryFor(kc);
      const hit = (await lookup(kc, e, apiVersion, kind, false)) ?? (await lookup(kc, e, apiVersion, kind, true));
      if (!hit) throw new UnknownKindError(apiVersion, kind);
      return hit;
    },
    async hasGroup(kc, group) {
      const e = entryFor(kc);
      if ((await groups(kc, e)).some((g) => g.name === group)) return true;
      return (await groups(kc, e, true)).some((g) => g.name === group);
    },
    clear() {
      clusters.clear();
    },
  };
}
