/**
 * Where uploaded bytes live (photos; public media later). One interface, so a deployment with
 * several nodes can swap the local directory for an S3-compatible bucket.
 */
export interface FileStorage {
  /** Stores the bytes under `key`, completely or not at all. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}
