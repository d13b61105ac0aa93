/**
 * The interactive API reference at /docs: Scalar's reference, rendered in the browser from
 * /openapi.json, with its script served by this server from the package
 * (`/docs/js/scalar.js`), never from a CDN. A self-hosted server may have no internet, so
 * everything Scalar would fetch from its own services is switched off: the default fonts
 * (fonts.scalar.com), the request proxy (proxy.scalar.com), the AI agent and MCP buttons,
 * the developer toolbar (uploads to Scalar's registry) and telemetry. "Test request" calls go
 * straight from the browser to the document's server, PUBLIC_BASE_URL.
 *
 * The routes are public (no `auth` in their config), like /openapi.json.
 */
import apiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

const API_REFERENCE_PREFIX = '/docs';

const PAGE_TITLE = 'chakra-server API reference';
const DESCRIPTION = 'chakra-server, the self-hostable ChakraHQ-compatible API server: interactive API reference';

/** A system font stack: the page looks the same offline as online. */
const FONTS = `
:root {
  --scalar-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  --scalar-font-code: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace;
}`;

export async function registerApiReference(app: FastifyInstance): Promise<void> {
  await app.register(apiReference, {
    routePrefix: API_REFERENCE_PREFIX,
    configuration: {
      pageTitle: PAGE_TITLE,
      title: 'chakra-server',
      // The document the server already serves; the plugin then adds no copy under /docs.
      url: '/openapi.json',
      theme: 'default',
      customCss: FONTS,
      withDefaultFonts: false,
      authentication: { preferredSecurityScheme: 'bearer' },
      // Nothing leaves for Scalar's services.
      proxyUrl: '',
      telemetry: false,
      hideClientButton: true,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      documentDownloadType: 'json',
      metaData: { title: PAGE_TITLE, description: DESCRIPTION },
    },
  });
}
