/**
 * Media customers sent (ids from inbound events): Meta's metadata with `url` pointing back at our
 * `show` endpoint, and the bytes, fetched from Meta with the token of the team's plugin that can
 * see the media (docs/whatsapp.md#received-media).
 */
import type { AppContext } from '../../context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { graphFor, type GraphClient } from '../graph/graph-client.ts';
import { listPlugins } from '../plugins/repo.ts';

interface MediaMeta {
  messaging_product?: string;
  url?: string;
  mime_type?: string;
  [key: string]: unknown;
}

/** A Graph answer that is a WhatsApp media object (not some other object a token can read). */
const isMedia = (body: unknown): body is MediaMeta =>
  !!body &&
  typeof body === 'object' &&
  (body as MediaMeta).messaging_product === 'whatsapp' &&
  typeof (body as MediaMeta).mime_type === 'string';

/**
 * The first plugin of the team whose token Meta answers for this media id, with Meta's
 * metadata. A plugin that cannot be reached is skipped; if none answers and one could not be
 * reached, that is the error (502/504), else 404.
 */
async function locate(ctx: AppContext, teamId: string, ver: string, mediaId: string): Promise<{ graph: GraphClient; meta: MediaMeta }> {
  let failure: unknown;
  for (const plugin of await listPlugins(ctx.db, teamId)) {
    try {
      const graph = graphFor(ctx, plugin);
      const answer = await graph.call('GET', `${ver}/${mediaId}`);
      if (answer.status === 200 && isMedia(answer.body)) return { graph, meta: answer.body };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      failure ??= err;
    }
  }
  throw failure ?? notFound('media', mediaId);
}

export async function mediaMetadata(ctx: AppContext, teamId: string, prefix: string, ver: string, mediaId: string) {
  const { meta } = await locate(ctx, teamId, ver, mediaId);
  return { ...meta, url: `${ctx.config.publicBaseUrl}${prefix}/${ver}/media/${mediaId}/show` };
}

export async function mediaBytes(ctx: AppContext, teamId: string, ver: string, mediaId: string) {
  const { graph, meta } = await locate(ctx, teamId, ver, mediaId);
  if (!meta.url) throw notFound('media', mediaId);
  const file = await graph.download(meta.url);
  if (file.status !== 200) throw notFound('media', mediaId);
  return { contentType: meta.mime_type ?? file.contentType, bytes: file.bytes };
}
