/** `client.photos`: photo uploads (multipart) and their metadata with a signed link to the bytes. */
import { data, formBody, init, type RawClient, toBlob, type UploadableFile } from '../call.ts';
import type { RequestOptions, ResponseData } from '../types.ts';

export interface PhotoUpload {
  /** The image: PNG, JPEG, WebP, GIF or HEIC, recognised from its bytes. */
  file: UploadableFile;
  filename?: string;
  filetype?: string;
  /** The photo's id, chosen by the client (a photo taken offline keeps its id); a fresh one otherwise. */
  id?: string;
}

export function photosResource(raw: RawClient) {
  return {
    upload: ({ file, filename, filetype, id }: PhotoUpload, options?: RequestOptions): Promise<ResponseData<'uploadPhoto'>> => {
      const form = new FormData();
      if (filename !== undefined) form.append('filename', filename);
      if (filetype !== undefined) form.append('filetype', filetype);
      form.append('photo', toBlob(file), filename ?? 'photo');
      // `as never`: the document describes no multipart body (yet); the FormData goes as it is.
      return id === undefined
        ? data(raw.POST('/v1/ext/photo', { body: form as never, ...formBody, ...init(options) }))
        : data(
            raw.POST('/v1/ext/photo/{photoId}', { params: { path: { photoId: id } }, body: form as never, ...formBody, ...init(options) }),
          );
    },

    /** The photo's metadata and `url`, a link to its bytes that needs no key for 15 minutes. */
    get: (photoId: string, options?: RequestOptions): Promise<ResponseData<'getPhoto'>> =>
      data(raw.GET('/v1/ext/photo/{photoId}', { params: { path: { photoId } }, ...init(options) })),
  };
}
