/** docs/config.md documents every field of the stack configuration (the realm model has its own doc). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { StackConfigBaseSchema } from '../../charts/config.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'config.md'), 'utf8');

/** Dotted paths of every field of a zod schema (through defaults, optionals, unions, records). */
function fieldPaths(schema: z.ZodTypeAny, prefix: string): string[] {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return fieldPaths(schema._def.innerType, prefix);
  if (schema instanceof z.ZodEffects) return fieldPaths(schema._def.schema, prefix);
  if (schema instanceof z.ZodDiscriminatedUnion) return [...new Set((schema.options as z.ZodTypeAny[]).flatMap((o) => fieldPaths(o, prefix)))];
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape as Record<string, z.ZodTypeAny>).flatMap(([k, v]) => {
      const path = prefix ? `${prefix}.${k}` : k;
      return [path, ...fieldPaths(v, path)];
    });
  }
  return [];
}

describe('docs/config.md', () => {
  const fields = fieldPaths(StackConfigBaseSchema.omit({ realm: true }), '').filter(
    (p) => !/\.(requests|limits|cpu|memory|repository|tag|group|version|kind|name|key)$/.test(p) || p.split('.').length <= 2,
  );

  it('names every configuration field in backticks', () => {
    expect(fields.length).toBeGreaterThan(80);
    const missing = fields.filter((p) => !doc.includes(`\`${p.split('.').at(-1)}\``));
    expect(missing).toEqual([]);
  });

  it('has a section per top-level field', () => {
    for (const top of Object.keys(StackConfigBaseSchema.shape)) expect(doc).toContain(`### \`${top}\``);
  });
});
