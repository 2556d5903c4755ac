/**
 * Which `k8s.keycloak.org` API version the Keycloak operator of an OLM channel serves.
 *
 * Fact (Keycloak operator CRDs): up to 26.5 the operator serves only `v2alpha1`; from
 * 26.6 it serves `v2beta1` (storage) and keeps `v2alpha1` as deprecated. The 26.7.1 CRDs in
 * ../shared/crds/keycloak list v2beta1 (served, storage) and v2alpha1 (served, deprecated).
 * RHBK channels are named `stable-v<major>[.<minor>]`; a channel without a minor follows the
 * newest release of that major.
 */
import { resolved, unresolved, type Resolved } from './resolved.js';

/** First Keycloak release whose operator serves `v2beta1`. */
export const KEYCLOAK_V2BETA1_SINCE: readonly [number, number] = [26, 6];

export type KeycloakCrApiVersion = 'v2alpha1' | 'v2beta1';

/**
 * Picks the Keycloak CR API version for an operator channel.
 * @param channel OLM channel, e.g. `stable-v26.2`
 * @param override `auto` (default) or an explicit version, which always wins
 * @returns the version, or `undefined` when `auto` cannot read the channel name
 */
export function keycloakCrApiVersion(channel: string, override: 'auto' | KeycloakCrApiVersion = 'auto'): KeycloakCrApiVersion | undefined {
  if (override !== 'auto') return override;
  const m = /^stable-v(\d+)(?:\.(\d+))?$/.exec(channel);
  if (!m) return undefined;
  const major = Number(m[1]);
  if (m[2] === undefined) return major >= KEYCLOAK_V2BETA1_SINCE[0] ? 'v2beta1' : 'v2alpha1';
  const minor = Number(m[2]);
  const [sMajor, sMinor] = KEYCLOAK_V2BETA1_SINCE;
  return major > sMajor || (major === sMajor && minor >= sMinor) ? 'v2beta1' : 'v2alpha1';
}

/**
 * {@link keycloakCrApiVersion} with the problem to report when `auto` cannot read the channel.
 * @returns the version, or a problem on `keycloakOperator.channel` (the field whose value cannot be read;
 *   the reason names `keycloak.apiVersion` as the other fix)
 */
export function findKeycloakCrApiVersion(channel: string, override: 'auto' | KeycloakCrApiVersion = 'auto'): Resolved<KeycloakCrApiVersion> {
  const version = keycloakCrApiVersion(channel, override);
  return version
    ? resolved(version)
    : unresolved(
        ['keycloakOperator', 'channel'],
        `cannot tell the Keycloak CR version served by channel "${channel}" (expected stable-v<major>[.<minor>], e.g. "stable-v26.2"); use such a channel, or set keycloak.apiVersion to "v2alpha1" or "v2beta1"`,
      );
}
