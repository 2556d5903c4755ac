/**
 * Fixtures for the infra chart tests: the reference config as mutable input, and helpers to
 * synthesize the whole stack or one chart of it.
 */
import { App, Testing } from 'cdk8s';
import reference from '../../examples/reference.config.js';
import type { StackConfig } from '../../charts/config.js';
import { deriveModel, type StackModel } from '../../charts/model.js';
import { addKubeMcpStack, type ChartId } from '../../charts/stack.js';

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

/** A fresh deep copy of the reference config, to mutate in a test. */
export function referenceInput(): any {
  return structuredClone(reference) as StackConfig;
}

/** Synthesizes the stack of a config; returns the model and every object by chart id (in apply order). */
export function synthStack(input: StackConfig = referenceInput()): { model: StackModel; app: App; charts: Map<string, Obj[]> } {
  const model = deriveModel(input);
  const app = Testing.app();
  addKubeMcpStack(app, model);
  const charts = new Map<string, Obj[]>();
  for (const c of app.charts) charts.set(c.node.id, Testing.synth(c) as Obj[]);
  return { model, app, charts };
}

/** The objects of one chart of the reference stack. */
export function chartObjects(id: ChartId, input?: StackConfig): Obj[] {
  const objs = synthStack(input).charts.get(id);
  if (!objs) throw new Error(`no chart ${id}`);
  return objs;
}

/** The single object of a kind (and name) in a list. */
export function one(objs: Obj[], kind: string, name?: string): Obj {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}
