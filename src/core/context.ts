import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config.ts';
import type { Db } from './db/types.ts';
import type { KeyStore } from './auth/key-store.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { SecretBox } from './secrets.ts';
import type { ConfigCache } from '../features/config/cache.ts';

/** Everything a request handler may need, built once per process by src/app.ts. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  secrets: SecretBox;
  keys: KeyStore;
  rateLimiter: RateLimiter;
  configCache: ConfigCache;
  log: FastifyBaseLogger;
}
