/**
 * Path parameter values in the OpenAPI document's examples: the demo workspace's own
 * (examples/demo-workspace.yaml), so that "try it" in /docs and the request-body examples work
 * against a fresh `npm start` (test/openapi-examples.test.ts sends each). Parameters whose value
 * only exists once something is created (a process id, a webhook id) have none.
 */
export const DEMO_PATH_EXAMPLES: Record<string, string> = {
  team: 'demo',
  ps: 'lead',
  pkShortId: 'lead_id',
  pkValue: 'LEAD-1001',
  processIdOrPk: 'LEAD-1001',
  pkOrId: 'LEAD-1001',
  stateTask: 'call',
  pluginId: 'd83e1d23-50b8-4d87-8f92-842a0ac516f6',
  ver: 'v22.0',
  wabaId: '83784929738012',
  pnid: '775966265503012',
  phone: '919876543210',
};
