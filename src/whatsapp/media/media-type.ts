/**
 * The media types WhatsApp accepts, recognised by their bytes (and, for Office and text files,
 * the file name), with Meta's size limit for each.
 */
export interface MediaType {
  mime: string;
  ext: string;
  kind: 'image' | 'sticker' | 'video' | 'audio' | 'document';
}

const MB = 1024 * 1024;
/** Meta's limits (Cloud API media reference). */
export const MEDIA_LIMITS: Record<MediaType['kind'], number> = {
  image: 5 * MB,
  sticker: 500 * 1024,
  video: 16 * MB,
  audio: 16 * MB,
  document: 100 * MB,
};

const ZIP_DOCUMENTS: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};
const OLE_DOCUMENTS: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
};
const THREE_GP_BRANDS = new Set(['3gp4', '3gp5', '3gp6', '3gp7', '3g2a', '3g2b', '3g2c']);

const extensionOf = (filename: string | undefined) => filename?.toLowerCase().match(/\.([a-z0-9]{1,8})$/)?.[1];

export function detectMediaType(b: Buffer, filename?: string): MediaType | undefined {
  const ascii = (from: number, to: number) => (b.length >= to ? b.toString('latin1', from, to) : '');
  const ext = extensionOf(filename);
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mime: 'image/png', ext: 'png', kind: 'image' };
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg', kind: 'image' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { mime: 'image/webp', ext: 'webp', kind: 'sticker' };
  if (ascii(0, 5) === '%PDF-') return { mime: 'application/pdf', ext: 'pdf', kind: 'document' };
  if (ascii(0, 4) === 'OggS') return { mime: 'audio/ogg', ext: 'ogg', kind: 'audio' };
  if (ascii(0, 5) === '#!AMR') return { mime: 'audio/amr', ext: 'amr', kind: 'audio' };
  if (ascii(4, 8) === 'ftyp') {
    const brand = ascii(8, 12);
    if (THREE_GP_BRANDS.has(brand)) return { mime: 'video/3gpp', ext: '3gp', kind: 'video' };
    if (brand === 'M4A ') return { mime: 'audio/mp4', ext: 'm4a', kind: 'audio' };
    return { mime: 'video/mp4', ext: 'mp4', kind: 'video' };
  }
  if (ascii(0, 3) === 'ID3' || (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe6) === 0xe2))
    return { mime: 'audio/mpeg', ext: 'mp3', kind: 'audio' };
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return { mime: 'audio/aac', ext: 'aac', kind: 'audio' };
  if (ascii(0, 4) === 'PK\x03\x04' && ext && Object.hasOwn(ZIP_DOCUMENTS, ext)) return { mime: ZIP_DOCUMENTS[ext], ext, kind: 'document' };
  if (
    b.length >= 8 &&
    b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) &&
    ext &&
    Object.hasOwn(OLE_DOCUMENTS, ext)
  ) {
    return { mime: OLE_DOCUMENTS[ext], ext, kind: 'document' };
  }
  if (ext === 'txt' && !b.includes(0) && isUtf8(b)) return { mime: 'text/plain', ext: 'txt', kind: 'document' };
  return undefined;
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
