import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { acceptUploads, readFileUpload } from '../../core/http/file-upload.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, linkErrorResponses, upstreamErrorResponses } from '../../core/http/route-schema.ts';
import { FilePart, fileAnswer, multipartBody, named } from '../../core/http/openapi-document.ts';
import { PluginParams } from '../plugins/schemas.ts';
import { GraphVersion } from '../graph/graph-client.ts';
import { MEDIA_LIMITS } from './media-type.ts';
import { publicMediaFile, uploadPublicMedia, type MediaUpload } from './service.ts';
import { mediaBytes, mediaMetadata } from './received-media.ts';

const LARGEST = Math.max(...Object.values(MEDIA_LIMITS));
const PublicMedia = named('PublicMedia', Type.Object({ publicMediaUrl: Type.String({ description: 'serves the file without a key' }) }));
const MediaMetadata = named(
  'WhatsappMediaMetadata',
  Type.Object(
    {
      url: Type.String({ description: "this server's `show` URL for the bytes (takes the same key)" }),
      mime_type: Type.Optional(Type.String()),
      sha256: Type.Optional(Type.String()),
      file_size: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
      id: Type.Optional(Type.String()),
      messaging_product: Type.Optional(Type.String()),
    },
    { additionalProperties: true, description: "Meta's media object" },
  ),
);
const ServeParams = Type.Object({ team: Type.String(), date: Type.String(), name: Type.String() });
const MediaParams = Type.Object({
  ver: GraphVersion,
  mediaId: Type.String({ pattern: '^[0-9]{1,32}$', description: 'the media id of an inbound message' }),
});

function readUpload(request: FastifyRequest): MediaUpload {
  const upload = readFileUpload(request, 'file', 'the file');
  return { bytes: upload.bytes, filename: upload.text('filename') };
}

/** `Content-Disposition` with the uploaded name, reduced to characters that need no quoting rules. */
const disposition = (filename: string | null) =>
  filename ? `inline; filename="${filename.replace(/[^\w.\- ]/g, '_').slice(0, 200)}"` : 'inline';

export function publicMediaRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    await acceptUploads(app, { files: 1, fields: 5, fieldSize: 1024, fileSize: LARGEST });
    const tags = ['whatsapp'];

    app.post<{ Params: Static<typeof PluginParams> }>(
      '/v1/ext/plugin/whatsapp/:pluginId/upload-public-media',
      {
        config: { auth: 'key', privilege: 'whatsapp:send', idempotent: true },
        // The largest file Meta takes (a 100 MB document) plus the multipart framing.
        bodyLimit: LARGEST + 1024 * 1024,
        schema: {
          tags,
          summary: 'Upload public media',
          operationId: 'uploadPublicMedia',
          description:
            'multipart/form-data: the file as field `file`, optional `filename`. Answers a URL that serves the file without a key, ' +
            "for Meta to fetch. Types and sizes are WhatsApp's (docs/whatsapp.md#public-media).",
          params: PluginParams,
          response: { 200: Envelope(PublicMedia), ...errorResponses },
          ...multipartBody(
            'PublicMediaUpload',
            { file: FilePart, filename: Type.String({ maxLength: 1024 }) },
            ['file'],
            'the file as part `file`',
          ),
        },
      },
      async (request) =>
        ok(
          await uploadPublicMedia(
            { db: ctx.db, files: ctx.files, publicBaseUrl: ctx.config.publicBaseUrl },
            teamIdOf(request),
            request.params.pluginId,
            readUpload(request),
          ),
        ),
    );

    // Both prefixes are in use by clients (docs/compatibility.md): two operations each, neither deprecated.
    for (const [prefix, suffix] of [
      ['/v1/whatsapp', ''],
      ['/v2/whatsapp', 'V2'],
    ] as const) {
      app.get<{ Params: Static<typeof MediaParams> }>(
        `${prefix}/:ver/media/:mediaId`,
        {
          config: { auth: 'key', privilege: 'whatsapp:send' },
          schema: {
            tags,
            summary: 'Fetch WhatsApp media (metadata)',
            operationId: `getWhatsappMedia${suffix}`,
            description: "Meta's JSON for the media id, with `url` pointing at this server's `show` endpoint (which takes the same key).",
            params: MediaParams,
            response: { 200: MediaMetadata, ...upstreamErrorResponses },
          },
        },
        async (request) => mediaMetadata(ctx, teamIdOf(request), prefix, request.params.ver, request.params.mediaId),
      );
      app.get<{ Params: Static<typeof MediaParams> }>(
        `${prefix}/:ver/media/:mediaId/show`,
        {
          config: { auth: 'key', privilege: 'whatsapp:send' },
          schema: {
            tags,
            summary: 'Show WhatsApp media (the bytes)',
            operationId: `showWhatsappMedia${suffix}`,
            params: MediaParams,
            response: { 200: fileAnswer("The media's bytes, with Meta's MIME type."), ...upstreamErrorResponses },
          },
        },
        async (request, reply) => {
          const file = await mediaBytes(ctx, teamIdOf(request), request.params.ver, request.params.mediaId);
          return reply
            .type(file.contentType)
            .header('x-content-type-options', 'nosniff')
            .header('cache-control', 'private, max-age=300')
            .send(file.bytes);
        },
      );
    }

    app.get<{ Params: Static<typeof ServeParams> }>(
      '/public-media/:team/:date/:name',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'A public media file (no key)',
          operationId: 'getPublicMediaFile',
          security: [],
          params: ServeParams,
          response: { 200: fileAnswer('The file, with the type it was uploaded as.'), ...linkErrorResponses },
        },
      },
      async (request, reply) => {
        const { team, date, name } = request.params;
        const { row, bytes } = await publicMediaFile({ db: ctx.db, files: ctx.files }, `${team}/${date}/${name}`);
        return reply
          .type(row.mime)
          .header('content-length', String(bytes.length))
          .header('content-disposition', disposition(row.filename))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(bytes);
      },
    );
  };
}
