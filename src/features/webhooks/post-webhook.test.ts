import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './destination-url.ts';
import { signBody } from './post-webhook.ts';

describe('signBody', () => {
  it('gives the signature docs/webhooks.md prints for its test vector', () => {
    const doc = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
    const secret = /secret `([^`]+)`, body/.exec(doc)![1];
    const body = /no trailing newline\):\n\n```\n(.*)\n```/.exec(doc)![1];
    const signature = /^signature: `([0-9a-f]{64})`$/m.exec(doc)![1];
    expect(signBody(secret, body)).toBe(signature);
  });
});

describe('isPrivateAddress', () => {
  it('flags loopback, private, link-local, CGNAT, unspecified and mapped addresses, and nothing public', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });
});
