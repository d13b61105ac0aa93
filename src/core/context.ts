import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config.ts';
import type { Db } from './db/types.ts';
import type { KeyStore } from './auth/key-store.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SecretBox } from './secrets.ts';
import type { UrlSigner } from './url-signer.ts';
import type { ConfigCache } from '../features/config/cache.ts';
import type { FileStorage } from './storage/file-storage.ts';
import type { JobQueue } from './queue/job-queue.ts';

/** Everything a request handler may need, built once per process by src/app.ts. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  secrets: SecretBox;
  keys: KeyStore;
  rateLimiter: RateLimiter;
  configCache: ConfigCache;
  log: FastifyBaseLogger;
  files: FileStorage;
  /** Signs and checks links that serve stored files without an API key. */
  urlSigner: UrlSigner;
  /** Durable background work (pg-boss on the same database). */
  queue: JobQueue;
}
