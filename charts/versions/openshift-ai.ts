/**
 * The OpenShift AI version table: the DataScienceCluster API version an operator channel
 * serves and the component names of each API version (from the CRDs in
 * ../shared/crds/opendatahub).
 */
import { resolved, unresolved, valueOrThrow, type FieldProblem, type Resolved } from './resolved.js';

/** DataScienceCluster API versions. */
export type OpenShiftAiApiVersion = 'v1' | 'v2';

/** Component names of `spec.components` per DataScienceCluster API version (from the CRDs). */
export const DSC_COMPONENTS: Readonly<Record<OpenShiftAiApiVersion, readonly string[]>> = {
  v1: [
    'codeflare',
    'dashboard',
    'datasciencepipelines',
    'feastoperator',
    'kserve',
    'kueue',
    'llamastackoperator',
    'modelmeshserving',
    'modelregistry',
    'ray',
    'trainingoperator',
    'trustyai',
    'workbenches',
  ],
  v2: [
    'aigateway',
    'aipipelines',
    'dashboard',
    'feastoperator',
    'kserve',
    'kueue',
    'llamastackoperator',
    'mcplifecycleoperator',
    'mlflowoperator',
    'modelregistry',
    'ogx',
    'ray',
    'sparkoperator',
    'trainer',
    'trainingoperator',
    'trustyai',
    'workbenches',
  ],
};

/**
 * Picks the DataScienceCluster API version served by an operator: from the explicit version,
 * else the channel's major version (`stable-2.25` → 2), else the pinned CSV's
 * (`rhods-operator.2.25.0` → 2). Major 2 serves v1 only; major 3 stores v2.
 * @returns the version, or a problem on `openshiftAi.operator.channel` when neither the channel
 *   nor the CSV carries a 2.x/3.x version and no explicit version is given
 */
export function findOpenShiftAiApiVersion(channel: string, explicit?: OpenShiftAiApiVersion, startingCSV?: string): Resolved<OpenShiftAiApiVersion> {
  if (explicit) return resolved(explicit);
  const major = /(?:^|-)(\d+)(?:\.\d+)?$/.exec(channel)?.[1] ?? (startingCSV ? /\.v?(\d+)\.\d+\.\d+/.exec(startingCSV)?.[1] : undefined);
  if (major === '2') return resolved('v1');
  if (major === '3') return resolved('v2');
  return unresolved(
    ['openshiftAi', 'operator', 'channel'],
    `cannot tell the DataScienceCluster API version from channel "${channel}"` +
      `${startingCSV ? ` or CSV "${startingCSV}"` : ''}; use a channel such as "stable-2.25" or "stable-3.0", or set openshiftAi.apiVersion`,
  );
}

/**
 * {@link findOpenShiftAiApiVersion} for a construct's caller.
 * @throws Error `openshiftAi.operator.channel: cannot tell …` when the version cannot be told
 */
export function openShiftAiApiVersion(channel: string, explicit?: OpenShiftAiApiVersion, startingCSV?: string): OpenShiftAiApiVersion {
  return valueOrThrow(findOpenShiftAiApiVersion(channel, explicit, startingCSV));
}

/** The problems of `components` names that the API version does not have, one per name. */
export function unknownDscComponents(version: OpenShiftAiApiVersion, components: Readonly<Record<string, unknown>>): FieldProblem[] {
  return Object.keys(components)
    .filter((name) => !DSC_COMPONENTS[version].includes(name))
    .map((name) => ({
      field: ['openshiftAi', 'components', name],
      reason: `not a DataScienceCluster ${version} component; expected one of ${DSC_COMPONENTS[version].join(', ')}`,
    }));
}
