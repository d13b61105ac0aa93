/**
 * Public media: files a client uploads so that Meta can fetch them by URL (`imageUrl`,
 * `documentUrl`, or `link` in a Meta-format message). Served without a key; the path holds a
 * random uuid, so a URL is known only to whoever was given it.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../core/db/types.ts';
import { AppError, invalid } from '../../core/errors.ts';
import type { FileStorage } from '../../core/storage/file-storage.ts';
import { getPlugin } from '../plugins/service.ts';
import { detectMediaType, MEDIA_LIMITS } from './media-type.ts';
import * as repo from './repo.ts';

const STORAGE_PREFIX = 'public-media/';
const KIND_NAMES = { image: 'an image', sticker: 'a sticker (WebP)', video: 'a video', audio: 'an audio file', document: 'a document' };

export interface MediaUpload {
  bytes: Buffer;
  filename?: string;
}

export async function uploadPublicMedia(
  deps: { db: Db; files: FileStorage; publicBaseUrl: string },
  teamId: string,
  pluginId: string,
  upload: MediaUpload,
): Promise<{ publicMediaUrl: string }> {
  const plugin = await getPlugin(deps.db, teamId, pluginId);
  const filename = upload.filename?.trim() || undefined;
  const type = detectMediaType(upload.bytes, filename);
  if (!type) {
    throw invalid(
      'file',
      'is not a type WhatsApp accepts: JPEG or PNG images, WebP stickers, MP4 or 3GPP videos, AAC, AMR, MP3, M4A or OGG audio, ' +
        'PDF, Word, Excel, PowerPoint or plain-text (.txt) documents',
    );
  }
  const limit = MEDIA_LIMITS[type.kind];
  if (upload.bytes.length > limit) {
    throw invalid(
      'file',
      `${KIND_NAMES[type.kind]} may be at most ${limit / 1024 >= 1024 ? `${limit / 1024 / 1024} MB` : `${limit / 1024} KB`} (WhatsApp's limit)`,
    );
  }
  const date = new Date().toISOString().slice(0, 10);
  const id = randomUUID();
  const path = `${teamId}/${date}/${id}.${type.ext}`;
  // Bytes first: a row never points at a file that is not there.
  await deps.files.put(STORAGE_PREFIX + path, upload.bytes);
  try {
    await repo.insertPublicMedia(deps.db, {
      id,
      teamId,
      pluginId: plugin.id,
      path,
      mime: type.mime,
      size: upload.bytes.length,
      filename: filename ?? null,
    });
  } catch (err) {
    await deps.files.delete(STORAGE_PREFIX + path).catch(() => {});
    throw err;
  }
  return { publicMediaUrl: `${deps.publicBaseUrl}/public-media/${path}` };
}

export async function publicMediaFile(deps: { db: Db; files: FileStorage }, path: string) {
  const notFound = () => new AppError('NOT_FOUND', { resource: 'public media', id: path });
  const row = await repo.findPublicMedia(deps.db, path);
  if (!row) throw notFound();
  const bytes = await deps.files.get(STORAGE_PREFIX + row.path);
  if (!bytes) throw notFound();
  return { row, bytes };
}
