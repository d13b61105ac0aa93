/**
 * `client.whatsapp.media`: public media for outgoing messages (`uploadPublic`, named and shaped as
 * in ChakraHQ's chat SDK) and the media of received messages (`get`, `download`).
 */
import { body, data, formBody, init, type RawClient, toBlob, type UploadableFile } from '../call.ts';
import type { RequestOptions, ResponseData } from '../types.ts';

export interface UploadPublicMediaParams {
  pluginId: string;
  file: UploadableFile;
  filename?: string;
}

export interface ReceivedMediaParams {
  /** Graph API version, e.g. `v22.0`. */
  whatsappApiVersion: string;
  /** The media id of an inbound message. */
  mediaId: string;
}

export function mediaResource(raw: RawClient) {
  return {
    /** Stores a file and answers `publicMediaUrl`, which serves it to anyone (Meta fetches it from there). */
    uploadPublic: (
      { pluginId, file, filename }: UploadPublicMediaParams,
      options?: RequestOptions,
    ): Promise<ResponseData<'uploadPublicMedia'>> => {
      const form = new FormData();
      if (filename !== undefined) form.append('filename', filename);
      form.append('file', toBlob(file), filename ?? 'file');
      return data(
        raw.POST('/v1/ext/plugin/whatsapp/{pluginId}/upload-public-media', {
          params: { path: { pluginId } },
          // `as never`: the document describes no multipart body (yet); the FormData goes as it is.
          body: form as never,
          ...formBody,
          ...init(options),
        }),
      );
    },

    /** Meta's metadata of a received file (`url` points at `download`'s route on this server). */
    get: ({ whatsappApiVersion, mediaId }: ReceivedMediaParams, options?: RequestOptions): Promise<Record<string, any>> =>
      body(raw.GET('/v1/whatsapp/{ver}/media/{mediaId}', { params: { path: { ver: whatsappApiVersion, mediaId } }, ...init(options) })),

    /** The received file's bytes. */
    download: ({ whatsappApiVersion, mediaId }: ReceivedMediaParams, options?: RequestOptions): Promise<Blob> =>
      body(
        raw.GET('/v1/whatsapp/{ver}/media/{mediaId}/show', {
          params: { path: { ver: whatsappApiVersion, mediaId } },
          parseAs: 'blob',
          ...init(options),
        }),
      ),
  };
}
