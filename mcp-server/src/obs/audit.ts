/**
 * Audit line per tool call: one pino JSON line `{ audit: true, sub, preferred_username, tool,
 * namespace, kind, name, outcome, duration_ms }`. Arguments, results, tokens and secret values
 * are never logged.
 */
import type { Logger } from 'pino';

/** The identity the validated OAuth access token carries (absent claims are undefined). */
export interface UserIdentity {
  readonly sub?: string;
  readonly preferredUsername?: string;
}

/** Target of a call, for the audit log. */
export interface AuditTarget {
  namespace?: string;
  kind?: string;
  name?: string;
}

/** `success`; `error` (isError result); `exception` (the handler threw); `denied` (no credentials, e.g. failed exchange). */
export type AuditOutcome = 'success' | 'error' | 'exception' | 'denied';

export interface AuditRecord {
  readonly user: UserIdentity;
  readonly tool: string;
  readonly target: AuditTarget;
  readonly outcome: AuditOutcome;
  readonly durationMs: number;
  /** A short error code (e.g. Keycloak's `error`), never a message body. */
  readonly errorCode?: string;
}

export function writeAudit(log: Logger, r: AuditRecord): void {
  log.info(
    {
      audit: true,
      sub: r.user.sub,
      preferred_username: r.user.preferredUsername,
      tool: r.tool,
      namespace: r.target.namespace,
      kind: r.target.kind,
      name: r.target.name,
      outcome: r.outcome,
      duration_ms: Math.round(r.durationMs * 10) / 10,
      ...(r.errorCode ? { error_code: r.errorCode } : {}),
    },
    'tool call',
  );
}
