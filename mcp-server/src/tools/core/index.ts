/** Toolset `core`, in the anchor server's order of names. */
import type { ToolDef } from '../types.js';
import { eventsList, namespacesList, projectsList } from './namespaces.js';
import { podsDelete, podsGet, podsList, podsListInNamespace, podsRun } from './pods.js';
import { podsExec, podsLog } from './pods-io.js';
import { nodesTop, podsTop } from './top.js';
import { resourcesCreateOrUpdate, resourcesDelete, resourcesGet, resourcesList, resourcesScale } from './resources.js';

export function coreTools(): ToolDef[] {
  return [
    namespacesList,
    projectsList,
    eventsList,
    podsList,
    podsListInNamespace,
    podsGet,
    podsDelete,
    podsLog,
    podsExec,
    podsRun,
    podsTop,
    nodesTop,
    resourcesList,
    resourcesGet,
    resourcesCreateOrUpdate,
    resourcesDelete,
    resourcesScale,
  ];
}
