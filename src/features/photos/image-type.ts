/** Recognises the image formats we accept by their first bytes, whatever the client claims. */
import { imageSize } from 'image-size';

export interface ImageInfo {
  filetype: 'png' | 'jpeg' | 'gif' | 'webp' | 'heic';
  mime: string;
  width: number | null;
  height: number | null;
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

function sniff(b: Buffer): ImageInfo['filetype'] | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp' && HEIC_BRANDS.has(b.toString('latin1', 8, 12))) return 'heic';
  return undefined;
}

const MIME = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic' } as const;

/** A side read from a damaged header can be anything: no real image is a million pixels across. */
const plausible = (side: number | undefined) =>
  side !== undefined && Number.isInteger(side) && side > 0 && side <= 1_000_000 ? side : null;

/** The image's type and size, or undefined when the bytes are not an accepted image. */
export function inspectImage(bytes: Buffer): ImageInfo | undefined {
  const filetype = sniff(bytes);
  if (!filetype) return undefined;
  let width: number | null = null;
  let height: number | null = null;
  try {
    const size = imageSize(bytes);
    width = plausible(size.width);
    height = plausible(size.height);
  } catch {
    // A truncated or unusual file of a known type: keep it, without dimensions.
  }
  return { filetype, mime: MIME[filetype], width, height };
}
