/** Toolset core: namespaces, OpenShift projects and events. */
import { defineTool, READ_ONLY } from '../define.js';
import { BUILTIN, listAndRender, listArgs } from '../output.js';
import { optionalNamespace } from '../names.js';

export const namespacesList = defineTool({
  name: 'namespaces_list',
  toolset: 'core',
  description: 'List all the Kubernetes namespaces in the current cluster',
  inputSchema: { ...listArgs },
  annotations: { title: 'Namespaces: List', ...READ_ONLY },
  handler: (a, ctx, target) => {
    target.kind = 'Namespace';
    return listAndRender(ctx, BUILTIN.namespace, a);
  },
});

export const projectsList = defineTool({
  name: 'projects_list',
  toolset: 'core',
  description: 'List all the OpenShift projects in the current cluster',
  inputSchema: { ...listArgs },
  annotations: { title: 'Projects: List', ...READ_ONLY },
  requiresApiGroup: 'project.openshift.io',
  handler: (a, ctx, target) => {
    target.kind = 'Project';
    return listAndRender(ctx, BUILTIN.project, a);
  },
});

export const eventsList = defineTool({
  name: 'events_list',
  toolset: 'core',
  description: 'List Kubernetes events (warnings, errors, state changes) for debugging and troubleshooting, from all namespaces or the provided namespace',
  inputSchema: {
    namespace: optionalNamespace().describe('Optional namespace to list the events from; all namespaces if not provided'),
    ...listArgs,
  },
  annotations: { title: 'Events: List', ...READ_ONLY },
  handler: (a, ctx, target) => {
    target.kind = 'Event';
    target.namespace = a.namespace;
    return listAndRender(ctx, BUILTIN.event, a);
  },
});
