/**
 * Loads `config.toml` (smol-toml), applies CLI overrides, validates (zod, strict), checks the
 * cross-key rules and resolves `sts_client_secret_file`. Every error names the key.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ZodError } from 'zod';
import { crossKeyProblems, rawConfigSchema, type ParsedConfig } from './schema.js';

/** A configuration the server refuses to start (or reload) with. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    source: string,
  ) {
    super(`invalid configuration (${source}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration plus values resolved from mounted files. Never logged whole. */
export interface ServerConfig extends ParsedConfig {
  /** The STS client secret, from `sts_client_secret_file` (trimmed) or `sts_client_secret`. */
  readonly stsSecret?: string;
  /** Files whose change triggers a reload: the config, the secret file, the CA. */
  readonly watchedFiles: readonly string[];
}

function zodProblems(err: ZodError): string[] {
  return err.issues.map((i) => {
    const key = i.path.length ? i.path.join('.') : '(root)';
    if (i.code === 'unrecognized_keys') return `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}: remove or fix the spelling`;
    return `${key}: ${i.message}`;
  });
}

/**
 * Validate a raw key/value object (file content merged with overrides).
 * @throws ConfigError listing every problem.
 */
export function validateConfig(raw: Record<string, unknown>, source = 'config', configPath?: string): ServerConfig {
  const parsed = rawConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error), source);
  const c = parsed.data;
  const problems = crossKeyProblems(c);
  if (problems.length) throw new ConfigError(problems, source);
  let stsSecret = c.sts_client_secret;
  if (c.sts_client_secret_file !== undefined) {
    try {
      stsSecret = readFileSync(c.sts_client_secret_file, 'utf8').trim();
    } catch (e) {
      throw new ConfigError([`sts_client_secret_file: cannot read ${c.sts_client_secret_file} (${(e as NodeJS.ErrnoException).code ?? e})`], source);
    }
    if (!stsSecret) throw new ConfigError([`sts_client_secret_file: ${c.sts_client_secret_file} is empty`], source);
  }
  if (c.certificate_authority !== undefined) {
    try {
      readFileSync(c.certificate_authority);
    } catch (e) {
      throw new ConfigError([`certificate_authority: cannot read ${c.certificate_authority} (${(e as NodeJS.ErrnoException).code ?? e})`], source);
    }
  }
  const watchedFiles = [configPath, c.sts_client_secret_file, c.certificate_authority].filter((f): f is string => f !== undefined);
  return { ...c, stsSecret, watchedFiles };
}

/** Parse TOML text into a plain object. @throws ConfigError with the line/column of a syntax error. */
export function parseTomlText(text: string, source: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof TomlError ? `TOML syntax error at line ${e.line}, column ${e.column}: ${e.message.split('\n')[0]}` : String(e);
    throw new ConfigError([msg], source);
  }
}

/**
 * Read the config file (when given), overlay `overrides` (CLI flags; undefined values ignored).
 * @throws ConfigError on unreadable file, bad TOML, unknown key, wrong type or a cross-key rule.
 */
export function loadConfig(configPath: string | undefined, overrides: Record<string, unknown> = {}): ServerConfig {
  let fileValues: Record<string, unknown> = {};
  if (configPath !== undefined) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (e) {
      throw new ConfigError([`cannot read ${configPath} (${(e as NodeJS.ErrnoException).code ?? e})`], configPath);
    }
    fileValues = parseTomlText(text, configPath);
  }
  const merged: Record<string, unknown> = { ...fileValues };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v;
  return validateConfig(merged, configPath ?? 'flags', configPath);
}
