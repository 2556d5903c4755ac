import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { App, YamlOutputType } from 'cdk8s';
import { deriveModel } from '../../charts/model.js';
import { addKubeMcpStack, CHART_IDS } from '../../charts/stack.js';
import { referenceInput } from './stack-fixture.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synthFiles(input = referenceInput()): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'kms-stack-'));
  dirs.push(outdir);
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  addKubeMcpStack(app, deriveModel(input));
  app.synth();
  return readdirSync(outdir).sort();
}

describe('addKubeMcpStack', () => {
  it('writes one file per chart, named so that sorting gives the apply order, with the Authentication switch last', () => {
    expect(synthFiles()).toEqual([
      '0000-keycloak-operator.k8s.yaml',
      '0001-openshift-ai.k8s.yaml',
      '0002-keycloak-database.k8s.yaml',
      '0003-keycloak.k8s.yaml',
      '0004-realm.k8s.yaml',
      '0005-llama-stack.k8s.yaml',
      '0006-cluster-auth.k8s.yaml',
      '0007-mcp-server.k8s.yaml',
      '0008-playground.k8s.yaml',
      '0009-feature-gate.k8s.yaml',
      '0010-cluster-authentication.k8s.yaml',
    ]);
  });

  it('keeps the order when optional charts are added or left out', () => {
    const c = referenceInput();
    c.mcpInspector.enabled = true;
    c.openshift.version = '4.20';
    const files = synthFiles(c);
    expect(files.at(-1)).toBe(`${String(files.length - 1).padStart(4, '0')}-cluster-authentication.k8s.yaml`);
    expect(files.some((f) => f.includes('feature-gate'))).toBe(false);
    const ids = files.map((f) => f.replace(/^\d{4}-/, '').replace('.k8s.yaml', ''));
    expect(ids).toEqual(CHART_IDS.filter((id) => ids.includes(id)));
    expect(ids).toContain('mcp-inspector');
  });

  it('declares each chart a dependency of the next', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'kms-deps-')) });
    dirs.push(app.outdir);
    const charts = addKubeMcpStack(app, deriveModel(referenceInput()));
    const ordered = CHART_IDS.filter((id) => charts[id]);
    for (let i = 1; i < ordered.length; i++) {
      expect(charts[ordered[i]]!.node.dependencies).toContain(charts[ordered[i - 1]]);
    }
  });
});
