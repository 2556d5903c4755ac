/**
 * The whole stack of a configuration, synthesized in memory: the derived model, the objects of
 * every chart (in apply order) and the Secrets the stack declares as external.
 */
import { Testing } from 'cdk8s';
import config from '../../examples/reference.config.js';
import type { StackConfig } from '../../charts/config.js';
import { deriveModel, type StackModel } from '../../charts/model.js';
import { requiredSecrets, type RequiredSecret } from '../../charts/required-secrets.js';
import { addKubeMcpStack } from '../../charts/stack.js';
import { synthApp, type KubeObject, type SynthesizedObject } from './synth.js';

/** A synthesized stack. */
export interface SynthesizedStack {
  readonly model: StackModel;
  readonly charts: readonly SynthesizedObject[];
  readonly objects: KubeObject[];
  readonly external: readonly RequiredSecret[];
}

/** The example configuration (examples/reference.config.ts). */
export const exampleConfig: StackConfig = config;

/** Synthesizes the whole stack of a configuration (default: the example). */
export function synthStack(input: StackConfig = exampleConfig): SynthesizedStack {
  const model = deriveModel(input);
  const app = Testing.app();
  addKubeMcpStack(app, model);
  const charts = synthApp(app);
  return { model, charts, objects: charts.map((c) => c.obj), external: requiredSecrets(model) };
}
