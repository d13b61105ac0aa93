/**
 * Process configuration, read once from the environment.
 * A missing or malformed setting throws a ConfigError whose message is the one line
 * the CLI prints before exiting, naming the variable.
 */
import path from 'node:path';
import { ConfigError } from './core/config-error.ts';
import type { S3Settings } from './core/storage/s3-storage.ts';
import { graphUrlProblem } from './whatsapp/graph/graph-url.ts';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  adminToken: string | undefined;
  publicBaseUrl: string;
  /** Overrides every plugin's graphApiUrl: an http(s) URL, or `sandbox`. */
  whatsappGraphUrl: string | undefined;
  redisUrl: string | undefined;
  logLevel: string;
  /** `pretty` or `json`; unset: pretty when the log goes to a terminal, JSON otherwise. */
  logFormat: 'pretty' | 'json' | undefined;
  workspaceFile: string | undefined;
  /** Raw CHAKRA_SECRET_KEY; resolved (or generated in embedded mode) by core/secrets. */
  secretKey: string | undefined;
  rateLimit: { perSecond: number; burst: number };
  bodyLimits: { json: number; bulk: number; upload: number };
  /** Browser origins allowed to call the API (CORS): exact origins, `*` for any, empty for none. */
  corsOrigins: '*' | string[];
  /** When set, GET /metrics wants `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /** Add sample leads, tickets and a WhatsApp chat when the demo workspace is applied (first start). */
  demoSampleData: boolean;
  /** How long a cached API key or session lookup is trusted on an instance that did not revoke it. */
  keyCacheTtlMs: number;
  /** Console sessions: ended after this long without a request, and this long after sign-in whatever happens. */
  sessions: { idleMinutes: number; maxDays: number };
  /** Where uploaded files live: DATA_DIR/files, or an S3-compatible bucket. */
  storage: { driver: 'local' } | ({ driver: 's3' } & S3Settings);
  jobs: {
    /** Most items one bulk request may carry. */
    bulkMaxItems: number;
    /** Items written per transaction by the bulk worker. */
    chunkSize: number;
    /** Background jobs one worker process runs at once. */
    concurrency: number;
    /** A worker silent this long is presumed dead and its job is resumed elsewhere. */
    timeoutSeconds: number;
    /** How often expired work is looked for. */
    maintenanceSeconds: number;
  };
  whatsappSends: {
    /** Sending numbers one worker process drains at once. */
    lanes: number;
    /** Attempts of a queued send before it is FAILED (Meta 5xx, 130429, 131056, network). */
    attempts: number;
    /** First retry delay; each further retry doubles it (with jitter), capped at 5 minutes. */
    retryBaseMs: number;
  };
  /** The live event stream (GET /v1/ext/events), per server process. */
  events: {
    /** Open streams this process holds at most. */
    maxStreams: number;
    /** Open streams one key (or signed-in user) holds at most on this process. */
    maxStreamsPerKey: number;
  };
  /** The bundled WhatsApp sandbox (plugins with `graphApiUrl: sandbox`). */
  sandbox: {
    /** Play the customer: statuses and replies to the inbound webhook. */
    callbacks: boolean;
    /** The time unit of the customer's timing (sent 0.3, delivered 1, read 2.5, reply 4 units after a send). */
    callbackUnitMs: number;
  };
  /** Process history older than this many days is deleted by the workers; undefined keeps it forever. */
  historyRetentionDays: number | undefined;
  webhooks: {
    /** An attempt that has not been answered after this is a failure (retried). */
    timeoutMs: number;
    /** First retry delay; each further retry doubles it (with jitter), each wait capped at 1 h. */
    retryBaseMs: number;
    /** Retries stop this long after the event (or its replay); a subscription failing this long is disabled. */
    retryForSeconds: number;
    /** Refuse private, loopback and link-local destinations (checked on every connection). */
    blockPrivateUrls: boolean;
  };
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function flag(env: Env, name: string, fallback = false): boolean {
  const value = env[name] || String(fallback);
  if (value !== 'true' && value !== 'false') throw new ConfigError(`${name} must be true or false, got "${value}"`);
  return value === 'true';
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${redactUrl(raw)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

/** `sandbox` or an http(s) URL: the same values a plugin's graphApiUrl accepts. */
function graphUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const problem = graphUrlProblem(raw);
  if (problem) throw new ConfigError(`${name} ${problem}, got "${redactUrl(raw)}"`);
  return raw;
}

/**
 * `*`, or a comma-separated list of origins (`scheme://host[:port]`), each kept in the form a
 * browser sends in its Origin header (lower-case host, default port left out).
 */
function corsOrigins(env: Env, name: string): '*' | string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  if (raw === '*') return '*';
  return raw.split(',').map((entry) => {
    const given = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(given);
    } catch {
      parsed = undefined;
    }
    const originOnly =
      parsed &&
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
      parsed.pathname === '/' &&
      !parsed.search &&
      !parsed.hash &&
      !parsed.username;
    if (!parsed || !originOnly || given.endsWith('?') || given.endsWith('#')) {
      throw new ConfigError(`${name} must be * or a comma-separated list of origins such as https://app.example.com, got "${given}"`);
    }
    return parsed.origin;
  });
}

/** Never echo credentials embedded in a URL into an error line. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, '//***@');
}

export function loadConfig(env: Env = process.env): AppConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = env.LOG_FORMAT || undefined;
  if (logFormat !== undefined && logFormat !== 'pretty' && logFormat !== 'json') {
    throw new ConfigError(`LOG_FORMAT must be pretty or json, got "${logFormat}"`);
  }
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const secretKey = env.CHAKRA_SECRET_KEY || undefined;
  if (databaseUrl && !secretKey) {
    throw new ConfigError('CHAKRA_SECRET_KEY is required when DATABASE_URL is set (32 bytes as 64 hex characters or base64)');
  }
  const adminToken = env.CHAKRA_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('CHAKRA_ADMIN_TOKEN must be at least 16 characters long');
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long');
  }
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const publicBaseUrl = (url(env, 'PUBLIC_BASE_URL', ['http:', 'https:']) ?? `http://${urlHost}:${port}`).replace(/\/+$/, '');
  const perSecond = integer(env, 'RATE_LIMIT_PER_SECOND', 100, 1, 10_000_000);
  const storage = storageConfig(env);
  return {
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    adminToken,
    publicBaseUrl,
    whatsappGraphUrl: graphUrl(env, 'WHATSAPP_GRAPH_URL'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    logLevel,
    logFormat,
    workspaceFile: env.CHAKRA_WORKSPACE ? path.resolve(env.CHAKRA_WORKSPACE) : undefined,
    secretKey,
    rateLimit: { perSecond, burst: integer(env, 'RATE_LIMIT_BURST', perSecond * 2, 1, 20_000_000) },
    bodyLimits: {
      json: integer(env, 'BODY_LIMIT_JSON', 1024 * 1024, 1024, 1024 * 1024 * 1024),
      bulk: integer(env, 'BODY_LIMIT_BULK', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      upload: integer(env, 'BODY_LIMIT_UPLOAD', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    corsOrigins: corsOrigins(env, 'CORS_ORIGINS'),
    metricsToken,
    // A laptop's first look should show something; a production database starts empty.
    demoSampleData: flag(env, 'DEMO_SAMPLE_DATA', !databaseUrl),
    keyCacheTtlMs: integer(env, 'KEY_CACHE_TTL_MS', 5000, 0, 600_000),
    sessions: {
      idleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 720, 1, 525_600),
      maxDays: integer(env, 'SESSION_MAX_DAYS', 7, 1, 365),
    },
    storage,
    jobs: {
      bulkMaxItems: integer(env, 'BULK_MAX_ITEMS', 10_000, 1, 1_000_000),
      chunkSize: integer(env, 'BULK_CHUNK_SIZE', 1000, 1, 10_000),
      concurrency: integer(env, 'WORKER_CONCURRENCY', 2, 1, 64),
      timeoutSeconds: integer(env, 'JOB_TIMEOUT_SECONDS', 60, 2, 3600),
      maintenanceSeconds: integer(env, 'JOB_MAINTENANCE_SECONDS', 30, 1, 3600),
    },
    whatsappSends: {
      lanes: integer(env, 'WHATSAPP_SEND_LANES', 4, 1, 256),
      attempts: integer(env, 'WHATSAPP_SEND_ATTEMPTS', 8, 1, 100),
      retryBaseMs: integer(env, 'WHATSAPP_RETRY_BASE_MS', 2000, 1, 600_000),
    },
    events: {
      maxStreams: integer(env, 'EVENT_STREAMS_MAX', 10_000, 1, 1_000_000),
      maxStreamsPerKey: integer(env, 'EVENT_STREAMS_PER_KEY', 100, 1, 1_000_000),
    },
    sandbox: {
      callbacks: flag(env, 'SANDBOX_CALLBACKS', true),
      callbackUnitMs: integer(env, 'SANDBOX_CALLBACK_UNIT_MS', 1000, 1, 60_000),
    },
    historyRetentionDays: env.HISTORY_RETENTION_DAYS ? integer(env, 'HISTORY_RETENTION_DAYS', 0, 1, 100_000) : undefined,
    webhooks: {
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 2000, 1, 600_000),
      retryForSeconds: integer(env, 'WEBHOOK_RETRY_FOR_SECONDS', 86_400, 1, 30 * 86_400),
      blockPrivateUrls: flag(env, 'WEBHOOK_BLOCK_PRIVATE_URLS'),
    },
  };
}

function storageConfig(env: Env): AppConfig['storage'] {
  const driver = env.STORAGE_DRIVER || 'local';
  if (driver === 'local') return { driver };
  if (driver !== 's3') throw new ConfigError(`STORAGE_DRIVER must be local or s3, got "${driver}"`);
  const bucket = env.S3_BUCKET;
  if (!bucket) throw new ConfigError('S3_BUCKET is required when STORAGE_DRIVER is s3');
  const pathStyle = env.S3_FORCE_PATH_STYLE || 'false';
  if (pathStyle !== 'true' && pathStyle !== 'false') throw new ConfigError(`S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`);
  if (Boolean(env.S3_ACCESS_KEY_ID) !== Boolean(env.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or neither, for the default AWS credential chain)',
    );
  }
  return {
    driver,
    bucket,
    region: env.S3_REGION || 'us-east-1',
    endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']),
    forcePathStyle: pathStyle === 'true',
    accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
    prefix: env.S3_PREFIX || '',
  };
}
