/**
 * Synthesis helpers for tests: build charts in a `Testing.app()` and collect every manifest
 * object with the chart it belongs to.
 */
import { App, Chart, Testing } from 'cdk8s';

/** A synthesized manifest object. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

/** One synthesized object and the id of the chart that produced it. */
export interface SynthesizedObject {
  readonly chart: string;
  readonly obj: KubeObject;
}

/** Synthesizes every chart of an app (in the app's dependency order). */
export function synthApp(app: App): SynthesizedObject[] {
  return app.charts.flatMap((c) => Testing.synth(c).map((obj) => ({ chart: c.node.id, obj: obj as KubeObject })));
}

/** Builds one chart with `build` in a fresh app and returns its objects. */
export function synthConstruct(build: (scope: Chart) => void): KubeObject[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart) as KubeObject[];
}
