/**
 * Kubernetes resource quantities (k8s.io/apimachinery `resource.Quantity` string forms) for `top`:
 * decimal SI suffixes n, u, m, k, M, G, T, P, E and binary Ki … Ei, plus plain and exponent numbers.
 */
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parse a quantity into a plain number (cores for CPU, bytes for memory).
 * @throws Error for a malformed quantity.
 */
export function parseQuantity(q: string): number {
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2] in SUFFIX)) throw new Error(`invalid quantity "${q}"`);
  return Number(m[1]) * SUFFIX[m[2]];
}

/** CPU as kubectl top prints it: millicores, e.g. `250m`. */
export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

/** Memory as kubectl top prints it: mebibytes, e.g. `128Mi`. */
export function formatMemory(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}
