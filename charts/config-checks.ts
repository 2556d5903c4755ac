/**
 * Model-level checks of the stack configuration: the rules that relate fields of
 * different sections and that zod's per-field schemas cannot express. Each problem is
 * reported on the field to change, with the fix in the reason.
 *
 * Limits of the OpenShift `Authentication` API come from its CRD
 * (config.openshift.io/v1, ../shared/crds/openshift-config): one oidcProvider,
 * `issuer.audiences` 1..10 non-empty items, `issuerURL` https, at most 512 characters, no
 * query/fragment/user info, `oidcClients` at most 20, claim names at most 256 characters.
 */
import type { z } from 'zod';
import { BUILTIN_CLIENT_SCOPES, renderRealmRepresentation, validateRealmModel } from '../keycloak-realm/realm-model.js';
import { undeclaredPlaceholders } from '../keycloak-realm/placeholders.js';
import type { BaseStackConfig } from './config.js';
import { AUTHENTICATION_ISSUER_URL_MAX, keycloakHost, realmIssuer, routeHosts } from './urls.js';
import { findKeycloakCrApiVersion } from './versions/keycloak-cr.js';
import { resolveLlamaStackRelease } from './llama-stack.js';
import { findOpenShiftAiApiVersion, unknownDscComponents } from './versions/openshift-ai.js';
import type { FieldProblem, Resolved } from './versions/resolved.js';
import { groupBindingName, type GroupBinding } from './cluster-auth.js';
import { accessTokenLifespanOf, durationSeconds, maxCookieRefreshSeconds } from './playground-session.js';

type Path = (string | number)[];

/** `clients[1].secret` -> ['clients', 1, 'secret'] */
export function parsePath(path: string): Path {
  const out: Path = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Default `issuer.audiences`: console, CLI and the STS audience, each once. */
export function defaultAudiences(cfg: BaseStackConfig): string[] {
  return [...new Set([cfg.clusterAuth.consoleClientId, cfg.clusterAuth.cliClientId, cfg.mcpServer.stsAudience])];
}

/**
 * The group bindings the stack emits: `clusterAuth.groupBindings`, or by default `adminGroup` →
 * ClusterRole `cluster-admin` cluster-wide and `developerGroup` → `edit` in `namespaces.llamaStack`.
 */
export function effectiveGroupBindings(cfg: BaseStackConfig): readonly GroupBinding[] {
  const ca = cfg.clusterAuth;
  return (
    ca.groupBindings ?? [
      { group: ca.adminGroup, clusterRole: 'cluster-admin' },
      { group: ca.developerGroup, clusterRole: 'edit', namespaces: [cfg.namespaces.llamaStack] },
    ]
  );
}

/** Built-in ClusterRoles that read every Secret of a namespace they are bound in (Kubernetes user-facing roles). */
const SECRET_READING_ROLES = new Set(['cluster-admin', 'admin', 'edit']);

/** Host names each enabled component needs when no apps domain is set. */
function requiredHosts(cfg: BaseStackConfig): (keyof BaseStackConfig['hosts'])[] {
  return ['keycloak', ...(cfg.clusterAuth.externalOidc ? (['console'] as const) : []), ...routeHosts(cfg).map((r) => r.field)];
}

/**
 * Namespaces holding the stack's secrets must not be a namespace where a group binding grants a
 * role that reads Secrets (by default `namespaces.llamaStack`, where `clusterAuth.developerGroup`
 * is bound to ClusterRole `edit`): `edit` and `admin` read every Secret and patch every
 * Deployment/ConfigMap of their namespace (Kubernetes user-facing roles). Reported on the namespace
 * field for the default bindings, on the binding's namespace for `clusterAuth.groupBindings`, unless
 * `namespaces.acknowledgeDevelopersReadSecrets` accepts it.
 */
function checkNamespaces(cfg: BaseStackConfig, problem: (path: Path, message: string) => void): void {
  const ns = cfg.namespaces;
  if (ns.acknowledgeDevelopersReadSecrets) return;
  const holders: { field: 'mcpServer' | 'playground' | 'keycloak'; holds: string }[] = [
    { field: 'mcpServer', holds: `the MCP server's token-exchange client Secret (mcpServer.stsClientSecret "${cfg.mcpServer.stsClientSecret.name}")` },
    ...(cfg.playground.enabled
      ? [{ field: 'playground' as const, holds: `the Playground's oauth2-proxy Secret "${cfg.playground.oauthSecretName}" (client and cookie secret)` }]
      : []),
    { field: 'keycloak', holds: 'the realm client secrets, user passwords and database credentials' },
  ];
  const ack = 'use another namespace, or set namespaces.acknowledgeDevelopersReadSecrets: true to accept this';
  if (!cfg.clusterAuth.groupBindings) {
    const dev = ns.llamaStack;
    for (const h of holders) {
      if (ns[h.field] !== dev) continue;
      problem(
        ['namespaces', h.field],
        `"${dev}" is the developers' namespace (clusterAuth.developerGroup "${cfg.clusterAuth.developerGroup}" has ClusterRole edit in namespaces.llamaStack), ` +
          `so every developer could read ${h.holds} and change its workload; ${ack}`,
      );
    }
    return;
  }
  cfg.clusterAuth.groupBindings.forEach((b, i) => {
    if (!SECRET_READING_ROLES.has(b.clusterRole) || !b.namespaces) return;
    b.namespaces.forEach((n, j) => {
      for (const h of holders.filter((x) => ns[x.field] === n)) {
        problem(
          ['clusterAuth', 'groupBindings', i, 'namespaces', j],
          `"${n}" is namespaces.${h.field}: ClusterRole ${b.clusterRole} there lets every member of "${b.group}" read ${h.holds} and change its workload; ${ack}`,
        );
      }
    });
  });
}

/** `clusterAuth.groupBindings`: realm groups, no binding emitted twice (same name in the same scope), no namespace listed twice. */
function checkGroupBindings(cfg: BaseStackConfig, groups: ReadonlySet<string>, problem: (path: Path, message: string) => void): void {
  const ca = cfg.clusterAuth;
  if (!ca.groupBindings) {
    for (const [field, group] of [
      ['adminGroup', ca.adminGroup],
      ['developerGroup', ca.developerGroup],
    ] as const) {
      if (!groups.has(group)) problem(['clusterAuth', field], `no realm group "${group}"; declare it in realm.groups`);
    }
    return;
  }
  /** `<scope>/<binding name>` → index of the first binding that emits it. */
  const emitted = new Map<string, number>();
  ca.groupBindings.forEach((b, i) => {
    if (!groups.has(b.group)) problem(['clusterAuth', 'groupBindings', i, 'group'], `no realm group "${b.group}"; declare it in realm.groups`);
    const name = groupBindingName(b);
    const scopes = b.namespaces ?? [undefined];
    scopes.forEach((n, j) => {
      if (n !== undefined && b.namespaces!.indexOf(n) !== j) {
        problem(['clusterAuth', 'groupBindings', i, 'namespaces', j], `namespace "${n}" is listed twice`);
        return;
      }
      const key = `${n ?? '(cluster)'}/${name}`;
      const first = emitted.get(key);
      if (first === undefined) emitted.set(key, i);
      else
        problem(
          ['clusterAuth', 'groupBindings', i],
          `duplicate binding: clusterAuth.groupBindings[${first}] already emits ${n ? `RoleBinding ${n}/${name}` : `ClusterRoleBinding ${name}`}; merge the two entries`,
        );
    });
  });
}

/** zod `superRefine` of the stack configuration. */
export function checkStackConfig(cfg: BaseStackConfig, ctx: z.RefinementCtx): void {
  const problem = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });
  const realm = cfg.realm;
  const clients = new Map(realm.clients.map((c, i) => [c.clientId, { client: c, index: i }]));
  const scopes = new Set([...BUILTIN_CLIENT_SCOPES, 'openid', ...realm.clientScopes.map((s) => s.name)]);
  const groups = new Set(realm.groups.map((g) => g.name));

  for (const issue of validateRealmModel(realm)) problem(['realm', ...parsePath(issue.path)], issue.message);
  // `${NAME}` in a realm value: the operator substitutes only what spec.placeholders declares (one per Secret reference).
  const declared = new Set(Object.keys(renderRealmRepresentation(realm, { kind: 'placeholders' }).placeholders));
  for (const issue of undeclaredPlaceholders(realm, declared)) problem(['realm', ...parsePath(issue.path)], issue.message);

  // Hosts: derived from the apps domain or given one by one.
  if (!cfg.openshift.appsDomain) {
    for (const h of requiredHosts(cfg)) {
      if (!cfg.hosts[h]) problem(['hosts', h], 'required when openshift.appsDomain is not set (set openshift.appsDomain or this host)');
    }
  }

  // Route hosts derived as `<name>-<namespace>.<appsDomain>`: the Route CRD allows labels of at most 63 characters.
  for (const r of routeHosts(cfg)) {
    if (!r.derived || !r.host) continue;
    const label = r.host.split('.')[0]!;
    if (label.length > 63 || r.host.length > 253) {
      problem(
        ['hosts', r.field],
        `the derived Route host "${r.host}" breaks the Route CRD's host rule (first label ${label.length} characters, at most 63; 253 in all); set this host or shorten the name or namespace`,
      );
    }
  }

  // Version tables (charts/versions/): each resolver returns a value or the problem to report.
  const report = (p: FieldProblem) => problem([...p.field], p.reason);
  const valueOf = <T>(r: Resolved<T>): T | undefined => (r.ok ? r.value : (report(r.problem), undefined));
  valueOf(findKeycloakCrApiVersion(cfg.keycloakOperator.channel, cfg.keycloak.apiVersion));

  // External OIDC: version gate and Authentication API limits.
  const minor = Number(cfg.openshift.version.split('.')[1]);
  const ca = cfg.clusterAuth;
  if (ca.externalOidc) {
    if (minor < 19)
      problem(['openshift', 'version'], `external OIDC needs OpenShift 4.19 or later, got ${cfg.openshift.version}; set clusterAuth.externalOidc: false`);
    if (minor === 19 && !ca.acknowledgeTechPreviewNoUpgrade) {
      problem(
        ['clusterAuth', 'acknowledgeTechPreviewNoUpgrade'],
        'OpenShift 4.19 needs FeatureGate TechPreviewNoUpgrade for external OIDC, which is irreversible and blocks cluster upgrades; set true to accept, or clusterAuth.externalOidc: false',
      );
    }
    const host = keycloakHost(cfg.hosts.keycloak, cfg.openshift.appsDomain);
    const issuer = host ? realmIssuer(host, realm.realm) : undefined;
    if (issuer && issuer.length > AUTHENTICATION_ISSUER_URL_MAX) {
      problem(
        ['realm', 'realm'],
        `the issuer ${issuer} is ${issuer.length} characters; the Authentication API accepts at most ${AUTHENTICATION_ISSUER_URL_MAX} (shorten the realm name or hosts.keycloak)`,
      );
    }
    const audiences = ca.audiences ?? defaultAudiences(cfg);
    if (audiences.length < 1 || audiences.length > 10)
      problem(['clusterAuth', 'audiences'], `the Authentication API accepts 1 to 10 audiences, got ${audiences.length}`);
    if (new Set(audiences).size !== audiences.length) problem(['clusterAuth', 'audiences'], 'audiences must be unique');
    if (!audiences.includes(cfg.mcpServer.stsAudience)) {
      problem(
        ['mcpServer', 'stsAudience'],
        `"${cfg.mcpServer.stsAudience}" is not in clusterAuth.audiences, so the API server would reject exchanged tokens; add it there`,
      );
    }
    const console = clients.get(ca.consoleClientId);
    if (!console) problem(['clusterAuth', 'consoleClientId'], `no realm client "${ca.consoleClientId}"; declare it in realm.clients`);
    else if (console.client.publicClient)
      problem(
        ['realm', 'clients', console.index, 'publicClient'],
        `the console client "${ca.consoleClientId}" must be confidential (the Authentication oidcClient takes its secret)`,
      );
    const cli = clients.get(ca.cliClientId);
    if (!cli) problem(['clusterAuth', 'cliClientId'], `no realm client "${ca.cliClientId}"; declare it in realm.clients`);
    else if (!cli.client.publicClient)
      problem(['realm', 'clients', cli.index, 'publicClient'], `the CLI client "${ca.cliClientId}" must be public (oc login has no secret)`);
  }
  // Refused rather than guarded: nothing in the realm makes e-mail addresses verified, and a user who can set one would become that user.
  if (ca.usernameClaim === 'email') {
    problem(
      ['clusterAuth', 'usernameClaim'],
      '"email" makes anyone who can set an e-mail address in the realm that cluster user (no email_verified rule is emitted); use "preferred_username" (the default) or "sub"',
    );
  }
  checkNamespaces(cfg, problem);
  checkGroupBindings(cfg, groups, problem);

  // MCP server: token exchange client and scopes.
  const ms = cfg.mcpServer;
  const sts = clients.get(ms.stsClientId);
  if (!sts) problem(['mcpServer', 'stsClientId'], `no realm client "${ms.stsClientId}"; declare it in realm.clients`);
  else {
    if (!sts.client.tokenExchange)
      problem(['realm', 'clients', sts.index, 'tokenExchange'], `the MCP server's STS client "${ms.stsClientId}" must enable token exchange`);
    if (sts.client.publicClient)
      problem(
        ['realm', 'clients', sts.index, 'publicClient'],
        `the MCP server's STS client "${ms.stsClientId}" must be confidential (token exchange needs client authentication)`,
      );
  }
  ms.oauthScopes.forEach((s, i) => scopes.has(s) || problem(['mcpServer', 'oauthScopes', i], `unknown client scope "${s}"; declare it in realm.clientScopes`));
  ms.stsScopes.forEach((s, i) => scopes.has(s) || problem(['mcpServer', 'stsScopes', i], `unknown client scope "${s}"; declare it in realm.clientScopes`));

  const ai = cfg.openshiftAi;
  if (ai.enabled) {
    const version = valueOf(findOpenShiftAiApiVersion(ai.operator.channel, ai.apiVersion));
    if (version) unknownDscComponents(version, ai.components).forEach(report);
  }
  // The Llama Stack release table still throws `llamaStack.<field>: reason` (its table is being
  // reworked on another branch; it joins charts/versions/ with a typed result after that merge).
  if (cfg.llamaStack.enabled) {
    try {
      resolveLlamaStackRelease(cfg.llamaStack.version, cfg.llamaStack.operatorVersion);
    } catch (e) {
      const [field, ...reason] = (e as Error).message.split(': ');
      problem(
        field!.startsWith('llamaStack.') ? parsePath(field!) : ['llamaStack', 'version'],
        field!.startsWith('llamaStack.') ? reason.join(': ') : (e as Error).message,
      );
    }
  }

  // Llama Stack and Playground depend on what runs below them.
  if (cfg.llamaStack.enabled && (!cfg.openshiftAi.enabled || cfg.openshiftAi.components['llamastackoperator'] !== 'Managed')) {
    problem(
      ['llamaStack', 'enabled'],
      'Llama Stack needs OpenShift AI with components.llamastackoperator: "Managed"; enable it or set llamaStack.enabled: false',
    );
  }
  if (cfg.llamaStack.enabled) {
    const ids = cfg.llamaStack.inference.map((p) => p.providerId);
    ids.forEach((id, i) => ids.indexOf(id) !== i && problem(['llamaStack', 'inference', i, 'providerId'], `provider id "${id}" is used more than once`));
  }
  const pg = cfg.playground;
  if (pg.enabled) {
    if (!cfg.llamaStack.enabled) problem(['playground', 'enabled'], 'the Playground needs Llama Stack; enable llamaStack or set playground.enabled: false');
    const c = clients.get(pg.clientId);
    if (!c) problem(['playground', 'clientId'], `no realm client "${pg.clientId}"; declare it in realm.clients`);
    else if (c.client.publicClient)
      problem(
        ['realm', 'clients', c.index, 'publicClient'],
        `the Playground client "${pg.clientId}" must be confidential (oauth2-proxy authenticates with a client secret)`,
      );
    pg.scopes.forEach((s, i) => scopes.has(s) || problem(['playground', 'scopes', i], `unknown client scope "${s}"; declare it in realm.clientScopes`));
    pg.allowedGroups?.forEach((g, i) => groups.has(g) || problem(['playground', 'allowedGroups', i], `no realm group "${g}"; declare it in realm.groups`));
    checkPlaygroundSession(cfg, problem);
  }
}

/** `playground.cookieRefresh` keeps forwarded tokens unexpired; `cookieExpire` outlives a refresh (charts/playground-session.ts). */
function checkPlaygroundSession(cfg: BaseStackConfig, problem: (path: Path, message: string) => void): void {
  const pg = cfg.playground;
  const lifespan = accessTokenLifespanOf(cfg.realm, pg.clientId);
  const max = maxCookieRefreshSeconds(lifespan);
  const refresh = pg.cookieRefresh === undefined ? max : durationSeconds(pg.cookieRefresh);
  if (refresh > max) {
    problem(
      ['playground', 'cookieRefresh'],
      `${pg.cookieRefresh} lets oauth2-proxy forward expired tokens: ${pg.clientId}'s access tokens live ${lifespan}s, so refresh at most every ${max}s; set "${max}s" or omit it to derive it`,
    );
  }
  if (durationSeconds(pg.cookieExpire) <= refresh) {
    problem(
      ['playground', 'cookieExpire'],
      `must be longer than the refresh interval (${refresh}s), or sessions end before they are refreshed; set e.g. "15m"`,
    );
  }
}
