import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from '../../core/schema-types.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.ts';
import { Envelope, ok } from '../../core/envelope.ts';
import { acceptUploads, readFileUpload } from '../../core/http/file-upload.ts';
import { teamIdOf } from '../../core/http/principal-team.ts';
import { errorResponses, linkErrorResponses } from '../../core/http/route-schema.ts';
import { getPhoto, photoBytes, uploadPhoto, type Upload } from './service.ts';
import { FilePart, fileAnswer, multipartBody, named } from '../../core/http/openapi-document.ts';

const N = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Photo = named(
  'Photo',
  Type.Object({
    id: Uuid,
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
    filetype: Type.String(),
    filename: N(Type.String()),
    height: N(Type.Integer()),
    width: N(Type.Integer()),
    isPublic: Type.Boolean(),
    team: Uuid,
    user: N(Uuid),
  }),
);
const PhotoWithUrl = named(
  'PhotoWithUrl',
  Type.Intersect([Photo, Type.Object({ url: Type.String({ description: 'serves the bytes without a key for 15 minutes' }) })]),
);
const IdParams = Type.Object({ photoId: Type.String() });
const LinkQuery = Type.Object({ expires: Type.Optional(Type.String()), signature: Type.Optional(Type.String()) });

const UPLOAD_DESCRIPTION =
  'multipart/form-data: the image as file field `photo` (PNG, JPEG, WebP, GIF or HEIC, recognised by its bytes), ' +
  'optional fields `filename` and `filetype`. The `{photoId}` form lets the client choose the uuid (offline capture); a used id is a 409.';

const uploadFields = multipartBody(
  'PhotoUpload',
  { photo: FilePart, filename: Type.String({ maxLength: 1024 }), filetype: Type.String({ maxLength: 1024 }) },
  ['photo'],
  'the image as file part `photo`',
);

function readUpload(request: FastifyRequest): Upload {
  const upload = readFileUpload(request, 'photo', 'the image');
  return { bytes: upload.bytes, filename: upload.text('filename'), filetype: upload.text('filetype') };
}

export function photoRoutes(ctx: AppContext) {
  return async (app: FastifyInstance) => {
    // Only in this plugin: one file per upload, small text fields, the file limit being the
    // upload body limit (413 beyond).
    await acceptUploads(app, { files: 1, fields: 10, fieldSize: 1024, fileSize: ctx.config.bodyLimits.upload });
    const tags = ['photos'];
    const write = { auth: 'key', privilege: 'photo:write', idempotent: true } as const;
    const response = { 200: Envelope(Photo), ...errorResponses };
    const bodyLimit = ctx.config.bodyLimits.upload;

    app.post(
      '/v1/ext/photo',
      {
        config: write,
        bodyLimit,
        schema: { tags, summary: 'Upload photo', operationId: 'uploadPhoto', description: UPLOAD_DESCRIPTION, response, ...uploadFields },
      },
      async (request) => ok(await uploadPhoto(ctx.db, ctx.files, teamIdOf(request), readUpload(request))),
    );
    app.post<{ Params: Static<typeof IdParams> }>(
      '/v1/ext/photo/:photoId',
      {
        config: write,
        bodyLimit,
        schema: {
          tags,
          summary: 'Upload photo with a chosen id',
          operationId: 'uploadPhotoWithId',
          description: UPLOAD_DESCRIPTION,
          params: IdParams,
          response,
          ...uploadFields,
        },
      },
      async (request) => {
        const upload = readUpload(request);
        return ok(await uploadPhoto(ctx.db, ctx.files, teamIdOf(request), upload, request.params.photoId));
      },
    );
    app.get<{ Params: Static<typeof IdParams> }>(
      '/v1/ext/photo/:photoId',
      {
        config: { auth: 'key', privilege: 'photo:read' },
        schema: {
          tags,
          summary: 'Fetch photo (metadata and a signed link)',
          operationId: 'getPhoto',
          params: IdParams,
          response: { 200: Envelope(PhotoWithUrl), ...errorResponses },
        },
      },
      async (request) => ok(await getPhoto(ctx.db, ctx.urlSigner, teamIdOf(request), request.params.photoId)),
    );
    app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof LinkQuery> }>(
      '/v1/photo-files/:photoId',
      {
        config: { auth: 'none' },
        schema: {
          tags,
          summary: 'Photo bytes through a signed link',
          operationId: 'getPhotoFile',
          security: [],
          params: IdParams,
          querystring: LinkQuery,
          response: { 200: fileAnswer('The photo, with its image type.', 'image/*'), ...linkErrorResponses },
        },
      },
      async (request, reply) => {
        const { bytes, mime } = await photoBytes(
          ctx.db,
          ctx.files,
          ctx.urlSigner,
          request.params.photoId,
          request.query.expires,
          request.query.signature,
        );
        return reply.type(mime).header('cache-control', 'private, max-age=900').send(bytes);
      },
    );
  };
}
