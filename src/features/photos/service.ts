/** Photo upload (type checked by content), metadata, and signed links that serve the bytes. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../../core/db/types.ts';
import { AppError, invalid, notFound } from '../../core/errors.ts';
import type { FileStorage } from '../../core/storage/file-storage.ts';
import type { UrlSigner } from '../../core/url-signer.ts';
import { isUuid } from '../../core/uuid.ts';
import { inspectImage } from './image-type.ts';
import * as repo from './repo.ts';

/** How long a photo link from GET /v1/ext/photo/{id} works. */
const PHOTO_URL_TTL_SECONDS = 15 * 60;

export interface Upload {
  bytes: Buffer;
  filename?: string;
  /** Sent by some clients; the stored type is what the bytes are, not this. */
  filetype?: string;
}

function toView(row: repo.PhotoRow) {
  return {
    id: row.id,
    createdAt: row.created_at.getTime(),
    updatedAt: row.updated_at.getTime(),
    filetype: row.filetype,
    filename: row.filename,
    height: row.height,
    width: row.width,
    isPublic: row.is_public,
    team: row.team_id,
    user: row.user_id,
  };
}

const photoFilePath = (id: string) => `/v1/photo-files/${id}`;

export async function uploadPhoto(db: Queryable, files: FileStorage, teamId: string, upload: Upload, requestedId?: string) {
  if (requestedId !== undefined && !isUuid(requestedId))
    throw invalid('path.photoId', 'must be a uuid (the id you want the photo to have)');
  const info = inspectImage(upload.bytes);
  if (!info) throw invalid('photo', 'is not a PNG, JPEG, WebP, GIF or HEIC image');
  const id = (requestedId ?? randomUUID()).toLowerCase();
  // A fresh key per upload: a refused duplicate can never overwrite the original's bytes.
  const storageKey = `photos/${teamId}/${id}-${randomBytes(4).toString('hex')}`;
  await files.put(storageKey, upload.bytes);
  const row = await repo.insertPhoto(db, {
    id,
    team_id: teamId,
    filename: upload.filename?.trim() || null,
    filetype: info.filetype,
    mime_type: info.mime,
    size_bytes: upload.bytes.length,
    width: info.width,
    height: info.height,
    storage_key: storageKey,
  });
  if (!row) {
    await files.delete(storageKey);
    throw new AppError('CONFLICT', { path: 'path.photoId', reason: `${id} is already used by another photo` });
  }
  return toView(row);
}

export async function getPhoto(db: Queryable, signer: UrlSigner, teamId: string, id: string) {
  const row = isUuid(id) ? await repo.findPhoto(db, id.toLowerCase(), teamId) : undefined;
  if (!row) throw notFound('photo', id);
  return { ...toView(row), url: signer.sign(photoFilePath(row.id), PHOTO_URL_TTL_SECONDS) };
}

/** The bytes behind a signed link, or a 404 that does not say whether the photo exists. */
export async function photoBytes(db: Queryable, files: FileStorage, signer: UrlSigner, id: string, expires?: string, signature?: string) {
  if (!signer.verify(photoFilePath(id), expires, signature)) throw new AppError('LINK_INVALID');
  const row = isUuid(id) ? await repo.findPhoto(db, id) : undefined;
  const bytes = row ? await files.get(row.storage_key) : undefined;
  if (!row || !bytes) throw notFound('photo', id);
  return { bytes, mime: row.mime_type };
}
