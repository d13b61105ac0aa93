/** The URLs webhooks are delivered to: http(s) only, and with WEBHOOK_BLOCK_PRIVATE_URLS, public ones. */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { invalid } from '../../core/errors.ts';

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Loopback, private (RFC 1918, unique local), link-local, carrier-grade NAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? PRIVATE.check(mapped[1], 'ipv4') : PRIVATE.check(address, 'ipv6');
}

/** The URL, if it is http(s); a 400 naming `path` otherwise. */
export function parseHttpUrl(path: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(path, 'must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(path, 'must be an http(s) URL');
  return url;
}

/** The host to resolve or compare: an IPv6 literal without its brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** A subscription URL: http(s), no credentials; with WEBHOOK_BLOCK_PRIVATE_URLS, a host that does not resolve to a private address. */
export async function checkDestinationUrl(path: string, value: string, blockPrivate: boolean): Promise<string> {
  const url = parseHttpUrl(path, value);
  if (url.username || url.password) throw invalid(path, 'must not carry credentials (sign with the team HMAC secret instead)');
  if (blockPrivate) {
    const host = hostOf(url);
    const addresses = await lookup(host, { all: true }).catch(() => {
      throw invalid(path, `${host} does not resolve`);
    });
    if (addresses.some((a) => isPrivateAddress(a.address))) {
      throw invalid(path, `${host} is a private, loopback or link-local address, refused by WEBHOOK_BLOCK_PRIVATE_URLS`);
    }
  }
  return value;
}
