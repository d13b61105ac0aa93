import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config.ts';
import type { Db } from './core/db/types.ts';
import type { KeyStore } from './core/auth/key-store.ts';
import type { SessionStore } from './core/auth/session-store.ts';
import type { RateLimiter } from './core/rate-limit.ts';
import type { SecretBox } from './core/secrets.ts';
import type { UrlSigner } from './core/url-signer.ts';
import type { ConfigCache } from './features/config/cache.ts';
import type { FileStorage } from './core/storage/file-storage.ts';
import type { JobQueue } from './core/queue/job-queue.ts';
import type { EventHub } from './features/events/hub.ts';
import type { DeliveryLoops } from './features/webhooks/delivery-worker.ts';
import type { SandboxState } from './whatsapp/sandbox/in-process.ts';
import type { SendLookups } from './whatsapp/send/sender-cache.ts';

/** Everything a request handler or worker may need, built once per process by src/app.ts. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  secrets: SecretBox;
  keys: KeyStore;
  /** Console sessions (the `chakra_session` cookie), resolved like keys. */
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  configCache: ConfigCache;
  log: FastifyBaseLogger;
  files: FileStorage;
  /** Signs and checks links that serve stored files without an API key. */
  urlSigner: UrlSigner;
  /** Durable background work (pg-boss on the same database). */
  queue: JobQueue;
  /** The areas' in-memory state for this context: made when it opens, gone with it (area.ts `local`). */
  local: LocalState;
}

/** Each area's in-memory state, by the key its descriptor gives it. */
export interface LocalState {
  deliveryLoops: DeliveryLoops;
  sendLookups: SendLookups;
  sandbox: SandboxState;
  eventHub: EventHub;
}
