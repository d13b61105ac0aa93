/**
 * Encryption of stored secrets (Meta tokens, app secrets, HMAC secrets) with AES-256-GCM.
 * The key comes from CHAKRA_SECRET_KEY, or in embedded mode from DATA_DIR/secret.key,
 * generated once with mode 0600.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error.ts';

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

function parseKey(raw: string, source: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError(`${source} must be 32 bytes, as 64 hex characters or base64`);
  return key;
}

export function resolveSecretKey(config: { secretKey?: string; databaseUrl?: string; dataDir: string }): Buffer {
  if (config.secretKey) return parseKey(config.secretKey, 'CHAKRA_SECRET_KEY');
  if (config.databaseUrl) throw new ConfigError('CHAKRA_SECRET_KEY is required when DATABASE_URL is set');
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return parseKey(readFileSync(file, 'utf8'), file);
}

const VERSION = 'v1';

export function createSecretBox(key: Buffer): SecretBox {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
