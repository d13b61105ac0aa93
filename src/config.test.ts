import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO_WORKSPACE_FILE } from './app.ts';
import { parseWorkspaceText, validateWorkspace } from './features/workspace/validate.ts';
import { ConfigError } from './core/config-error.ts';
import { loadConfig } from './config.ts';

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicBaseUrl: 'http://127.0.0.1:3000',
      databaseUrl: undefined,
      logLevel: 'info',
      rateLimit: { perSecond: 100, burst: 200 },
      bodyLimits: { json: 1048576, bulk: 33554432, upload: 16777216 },
      keyCacheTtlMs: 5000,
      jobs: { bulkMaxItems: 10000, chunkSize: 1000, concurrency: 2, timeoutSeconds: 60, maintenanceSeconds: 30 },
      sandbox: { callbacks: true, callbackUnitMs: 1000 },
      webhooks: { timeoutMs: 10000, retryBaseMs: 2000, retryForSeconds: 86400, blockPrivateUrls: false },
      historyRetentionDays: undefined,
    });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('derives the public URL from HOST and PORT, and trims a trailing slash from PUBLIC_BASE_URL', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicBaseUrl).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://chakra.example.com/' }).publicBaseUrl).toBe('https://chakra.example.com');
  });

  it('names the variable in one line for every malformed setting', () => {
    expect(fails({ PORT: '70000' })).toBe('PORT must be an integer from 0 to 65535, got "70000"');
    expect(fails({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/);
    expect(fails({ LOG_FORMAT: 'text' })).toBe('LOG_FORMAT must be pretty or json, got "text"');
    expect(fails({ DATABASE_URL: 'mysql://x' })).toBe('DATABASE_URL must use postgres: or postgresql:, got "mysql:"');
    expect(fails({ DATABASE_URL: 'postgres://u:pw@db/x' })).toMatch(/^CHAKRA_SECRET_KEY is required when DATABASE_URL is set/);
    expect(fails({ CHAKRA_ADMIN_TOKEN: 'short' })).toBe('CHAKRA_ADMIN_TOKEN must be at least 16 characters long');
    expect(fails({ BULK_MAX_ITEMS: '20k' })).toBe('BULK_MAX_ITEMS must be an integer from 1 to 1000000, got "20k"');
    expect(fails({ JOB_TIMEOUT_SECONDS: '1' })).toBe('JOB_TIMEOUT_SECONDS must be an integer from 2 to 3600, got "1"');
    expect(fails({ REDIS_URL: 'not a url' })).toBe('REDIS_URL must be a URL, got "not a url"');
    expect(fails({ PUBLIC_BASE_URL: 'ftp://x' })).toBe('PUBLIC_BASE_URL must use http: or https:, got "ftp:"');
    expect(fails({ RATE_LIMIT_PER_SECOND: '0' })).toMatch(/^RATE_LIMIT_PER_SECOND must be an integer from 1 /);
    expect(fails({ BODY_LIMIT_JSON: '1k' })).toMatch(/^BODY_LIMIT_JSON must be an integer/);
    expect(fails({ WEBHOOK_BLOCK_PRIVATE_URLS: 'yes' })).toBe('WEBHOOK_BLOCK_PRIVATE_URLS must be true or false, got "yes"');
    expect(fails({ SANDBOX_CALLBACKS: '0' })).toBe('SANDBOX_CALLBACKS must be true or false, got "0"');
    expect(fails({ HISTORY_RETENTION_DAYS: '0' })).toBe('HISTORY_RETENTION_DAYS must be an integer from 1 to 100000, got "0"');
    expect(loadConfig({ HISTORY_RETENTION_DAYS: '90' }).historyRetentionDays).toBe(90);
    expect(fails({ WEBHOOK_TIMEOUT_MS: '50' })).toBe('WEBHOOK_TIMEOUT_MS must be an integer from 100 to 120000, got "50"');
    expect(fails({ STORAGE_DRIVER: 'ftp' })).toBe('STORAGE_DRIVER must be local or s3, got "ftp"');
    expect(fails({ STORAGE_DRIVER: 's3' })).toBe('S3_BUCKET is required when STORAGE_DRIVER is s3');
    expect(fails({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toMatch(
      /^S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together/,
    );
  });

  it("accepts for WHATSAPP_GRAPH_URL exactly the values a plugin's graphApiUrl accepts", () => {
    const demo = parseWorkspaceText(readFileSync(DEMO_WORKSPACE_FILE, 'utf8')) as {
      teams: { whatsappPlugins: { graphApiUrl?: string }[] }[];
    };
    const byWorkspace = (value: string) => {
      const ws = structuredClone(demo);
      ws.teams[0].whatsappPlugins[0].graphApiUrl = value;
      try {
        validateWorkspace(ws);
        return true;
      } catch {
        return false;
      }
    };
    const byConfig = (value: string) => {
      try {
        return loadConfig({ WHATSAPP_GRAPH_URL: value }).whatsappGraphUrl === value;
      } catch {
        return false;
      }
    };
    const accepted = ['sandbox', 'https://graph.facebook.com', 'http://127.0.0.1:4010/', 'https://proxy.example.com/meta'];
    const refused = ['Sandbox', 'ftp://graph.facebook.com', 'graph.facebook.com', 'not a url', 'https://', 'file:///etc/passwd'];
    for (const value of [...accepted, ...refused]) {
      expect([byConfig(value), byWorkspace(value)], value).toEqual(accepted.includes(value) ? [true, true] : [false, false]);
    }
    expect(fails({ WHATSAPP_GRAPH_URL: 'ftp://x' })).toBe('WHATSAPP_GRAPH_URL must be "sandbox" or an http(s) URL, got "ftp://x"');
    expect(fails({ WHATSAPP_GRAPH_URL: 'https://user:pw@[bad' })).not.toContain('pw');
  });

  it('reads CORS_ORIGINS as * or a list of origins, in the form browsers send', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(loadConfig({ CORS_ORIGINS: 'https://App.Example.com/, http://localhost:5173 ,https://x.example.com:443' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
      'https://x.example.com',
    ]);
    for (const bad of [
      'app.example.com',
      'https://app.example.com/path',
      'ftp://x.example.com',
      'https://a.example.com,*',
      'https://a.example.com?x',
      'null',
    ]) {
      expect(fails({ CORS_ORIGINS: bad }), bad).toMatch(
        /^CORS_ORIGINS must be \* or a comma-separated list of origins such as https:\/\/app\.example\.com, got "/,
      );
    }
  });

  it('takes METRICS_TOKEN of at least 16 characters', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(16) }).metricsToken).toBe('x'.repeat(16));
    expect(fails({ METRICS_TOKEN: 'short' })).toBe('METRICS_TOKEN must be at least 16 characters long');
  });

  it('adds demo sample data by default on the embedded database only', () => {
    expect(loadConfig({}).demoSampleData).toBe(true);
    expect(loadConfig({ DEMO_SAMPLE_DATA: 'false' }).demoSampleData).toBe(false);
    const withUrl = { DATABASE_URL: 'postgres://db/x', CHAKRA_SECRET_KEY: 'a'.repeat(64) };
    expect(loadConfig(withUrl).demoSampleData).toBe(false);
    expect(loadConfig({ ...withUrl, DEMO_SAMPLE_DATA: 'true' }).demoSampleData).toBe(true);
    expect(fails({ DEMO_SAMPLE_DATA: 'yes' })).toBe('DEMO_SAMPLE_DATA must be true or false, got "yes"');
  });

  it('never echoes a password from a malformed URL', () => {
    expect(fails({ DATABASE_URL: 'postgres://user:s3cret@[bad' })).not.toContain('s3cret');
  });
});
