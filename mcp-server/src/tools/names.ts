/**
 * zod schemas for the names tools put into REST paths and helm command lines, so that nothing a
 * caller sends can change which URL is requested (`.`/`..` are dot segments `new URL()` collapses;
 * `/` adds a segment) or be read as a flag.
 *
 * Rules (Kubernetes apimachinery `pkg/api/validation` and `pkg/util/validation`):
 * - namespace: DNS-1123 label — lower-case alphanumerics and `-`, starts and ends alphanumeric, ≤ 63 chars;
 * - Pod / Service / Helm release name: DNS-1123 subdomain (labels joined by `.`, ≤ 253 chars);
 *   a Pod run with a Service must be a DNS-1123 label (a Service name is one);
 * - any other kind's name (resources_* tools): a valid path segment name — not empty, not `.` or `..`,
 *   no `/` or `%` (`path.IsValidPathSegmentName`), because some kinds accept more than DNS-1123
 *   (RBAC ClusterRoles such as `system:aggregate-to-admin`). The API server validates the rest.
 */
import { z } from 'zod';

/** DNS-1123 label (RFC 1123 §2.1 as Kubernetes restricts it): `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, ≤ 63 chars. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: DNS-1123 labels joined by `.`, ≤ 253 chars. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const LABEL_MSG =
  'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters (e.g. "team-a")';
const SUBDOMAIN_MSG =
  'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters (e.g. "web-1")';
const SEGMENT_MSG = 'must be a Kubernetes object name: not empty, not "." or "..", and without "/" or "%"';

/** A path segment name: not empty, not `.` or `..`, no `/` or `%`. */
export const PATH_SEGMENT_NAME = /^(?!\.{1,2}$)[^/%]+$/;

/** Whether `name` is a valid path segment name (apimachinery `path.IsValidPathSegmentName`). */
export function isPathSegmentName(name: string): boolean {
  return PATH_SEGMENT_NAME.test(name);
}

/** A namespace name (DNS-1123 label). */
export const namespaceName = () => z.string().max(63).regex(DNS1123_LABEL, LABEL_MSG);

/**
 * An optional namespace: a DNS-1123 label, or `""` which means the same as omitting it
 * (MCP clients often send empty strings for optional fields).
 */
export const optionalNamespace = () =>
  z
    .string()
    .max(63)
    .regex(/^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, LABEL_MSG)
    .optional();

/** A DNS-1123 label name (≤ 63 chars), e.g. a Pod that gets a Service of the same name. */
export const labelName = () => z.string().max(63).regex(DNS1123_LABEL, LABEL_MSG);

/** A DNS-1123 subdomain name (Pods, Helm releases). */
export const subdomainName = () => z.string().max(253).regex(DNS1123_SUBDOMAIN, SUBDOMAIN_MSG);

/** The name of an object of any kind (path segment name; see the module doc). */
export const objectName = () => z.string().regex(PATH_SEGMENT_NAME, SEGMENT_MSG);

/** The same checks for names read from a manifest (resources_create_or_update); returns the problem or undefined. */
export function manifestNameProblem(name: string): string | undefined {
  return isPathSegmentName(name) ? undefined : SEGMENT_MSG;
}
/** The namespace check for a manifest's `metadata.namespace`; returns the problem or undefined. */
export function manifestNamespaceProblem(ns: string): string | undefined {
  return ns.length <= 63 && DNS1123_LABEL.test(ns) ? undefined : LABEL_MSG;
}
