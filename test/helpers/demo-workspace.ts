/** The demo workspace as a team's admin sends it to `POST /v1/admin/workspace`. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEMO_WORKSPACE_FILE } from '../../src/app.ts';

/** A fresh copy of the demo workspace, without the operator's references to the server's environment (`…Env`, `…File`). */
export function demoWorkspaceBody(): any {
  const workspace = parseYaml(readFileSync(DEMO_WORKSPACE_FILE, 'utf8'));
  for (const holder of [workspace.teams[0], ...workspace.teams[0].whatsappPlugins]) {
    for (const field of Object.keys(holder)) if (/(Env|File)$/.test(field)) delete holder[field];
  }
  return workspace;
}
