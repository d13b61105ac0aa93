import type { Area } from '../../area.ts';
import { connectSandboxWebhook } from './in-process.ts';

/** The whatsapp-sandbox area as the composition root sees it (src/area.ts). */
export const whatsappSandboxArea: Area = {
  name: 'whatsapp-sandbox',
  local: { sandbox: () => ({}) },
  // The in-process sandbox calls the inbound webhook as Meta would: through the same route.
  onServer(ctx, app) {
    connectSandboxWebhook(ctx, async (pluginId, raw, signature) => {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/webhooks/whatsapp/${pluginId}`,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        payload: raw,
      });
      return res.statusCode;
    });
  },
};
