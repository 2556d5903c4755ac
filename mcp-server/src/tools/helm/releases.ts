/**
 * Helm release records as stored by Helm 3's default `secret` storage driver: Secrets of type
 * `helm.sh/release.v1`, labelled `owner=helm`, whose `data.release` is base64( base64( gzip( JSON ) ) )
 * (one base64 from the Secret encoding, one from Helm). Only name, namespace, revision, status,
 * chart and app version are ever taken out of the payload: values and manifests can hold secrets.
 */
import { gunzipSync } from 'node:zlib';
import type { KubeObject } from '../../k8s/resource-client.js';

export const RELEASE_SECRET_TYPE = 'helm.sh/release.v1';

/** What `helm_list` shows of a release. */
export interface ReleaseSummary {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  appVersion: string;
  updated: string;
}

/**
 * Decode `data.release` of a release Secret into a summary.
 * @throws Error if the payload is not base64/gzip/JSON as Helm writes it.
 */
export function decodeRelease(secretDataRelease: string): ReleaseSummary {
  const helmB64 = Buffer.from(secretDataRelease, 'base64').toString('utf8');
  let raw = Buffer.from(helmB64, 'base64');
  if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw); // Helm gzips; older writers may not
  const r = JSON.parse(raw.toString('utf8')) as {
    name?: string;
    namespace?: string;
    version?: number;
    info?: { status?: string; last_deployed?: string };
    chart?: { metadata?: { name?: string; version?: string; appVersion?: string } };
  };
  const md = r.chart?.metadata ?? {};
  return {
    name: r.name ?? '',
    namespace: r.namespace ?? '',
    revision: r.version ?? 0,
    status: r.info?.status ?? 'unknown',
    chart: md.name ? `${md.name}-${md.version ?? ''}` : '',
    appVersion: md.appVersion ?? '',
    updated: r.info?.last_deployed ?? '',
  };
}

/**
 * Summaries of the latest revision of each release among `secrets` (as `helm list` shows),
 * sorted by namespace then name. Secrets that do not decode are skipped.
 * @param all include every status (`helm list --all`); default only `deployed` and `failed`.
 */
export function latestReleases(secrets: KubeObject[], all = false): ReleaseSummary[] {
  const latest = new Map<string, ReleaseSummary>();
  for (const s of secrets) {
    if (s.type !== RELEASE_SECRET_TYPE) continue;
    const payload = (s.data as Record<string, string> | undefined)?.release;
    if (!payload) continue;
    let rel: ReleaseSummary;
    try {
      rel = decodeRelease(payload);
    } catch {
      continue;
    }
    const key = `${rel.namespace}/${rel.name}`;
    const cur = latest.get(key);
    if (!cur || rel.revision > cur.revision) latest.set(key, rel);
  }
  return [...latest.values()]
    .filter((r) => all || r.status === 'deployed' || r.status === 'failed')
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
