/**
 * Bodies that cost the server work in proportion to their shape rather than their size: deep
 * nesting, long arrays of invalid items, many keys, one huge string, and bodies over the limit.
 * Built as text directly: building them as objects first would itself overflow the stack.
 */
import fc from 'fast-check';
import type { RawBody } from './raw-bodies.ts';

/** Nesting depths: past any recursion limit a parser, validator or serialiser might have. */
const DEPTHS = [64, 1_000, 5_000, 20_000, 100_000];
/** Item counts: cheap to send, quadratic if every item is an error that is collected. */
const COUNTS = [1_000, 8_000, 32_000, 100_000];

const json = (text: string, note: string): RawBody => ({ bytes: Buffer.from(text), contentType: 'application/json', note });

/** `{"k": {"k": … }}` nested `depth` deep under the property `key`. */
function nestedObjects(key: string, depth: number): RawBody {
  return json(`{${JSON.stringify(key)}:${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`, `${key} nested ${depth} objects deep`);
}

/** `{"k": [[[ … ]]]}` nested `depth` deep. */
function nestedArrays(key: string, depth: number): RawBody {
  return json(`{${JSON.stringify(key)}:${'['.repeat(depth)}${']'.repeat(depth)}}`, `${key} nested ${depth} arrays deep`);
}

/** `{"where": {"or": [{"or": [ … ]}]}}`: the process-list grammar nested. */
function nestedWhere(depth: number): RawBody {
  return json(`{"where":${'{"or":['.repeat(depth)}{"score":1}${']}'.repeat(depth)}}`, `where nested ${depth} deep`);
}

/** `{"k": [1, 1, …]}`: every item the wrong type. */
function longArray(key: string, count: number, item = '1'): RawBody {
  return json(`{${JSON.stringify(key)}:[${Array(count).fill(item).join(',')}]}`, `${key}: ${count} items of ${item}`);
}

/** `{"where": {"or": [{…}, …]}}` with `count` terms. */
function wideWhere(count: number): RawBody {
  return json(`{"where":{"or":[${Array(count).fill('{"score":{">":1}}').join(',')}]}}`, `where with ${count} or-terms`);
}

/** One object with `count` distinct keys. */
function manyKeys(key: string, count: number): RawBody {
  const inner = Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',');
  return json(`{${JSON.stringify(key)}:{${inner}}}`, `${key} with ${count} keys`);
}

/** A body of `bytes` bytes of one long string under `key`. */
function hugeString(key: string, bytes: number): RawBody {
  return json(`{${JSON.stringify(key)}:"${'x'.repeat(bytes)}"}`, `${key}: a ${bytes}-byte string`);
}

/** Arbitrary expensive bodies for an operation whose body has the given top-level properties. */
export function expensiveBody(properties: string[], isProcessList: boolean): fc.Arbitrary<RawBody> {
  const key = properties.length ? fc.constantFrom(...properties) : fc.constant('data');
  const options: fc.Arbitrary<RawBody>[] = [
    fc.tuple(key, fc.constantFrom(...DEPTHS)).map(([k, d]) => nestedObjects(k, d)),
    fc.tuple(key, fc.constantFrom(...DEPTHS)).map(([k, d]) => nestedArrays(k, d)),
    fc
      .tuple(key, fc.constantFrom(...COUNTS), fc.constantFrom('1', 'null', '{}', '"x"', '{"field":"constructor"}'))
      .map(([k, n, item]) => longArray(k, n, item)),
    fc.tuple(key, fc.constantFrom(1_000, 50_000)).map(([k, n]) => manyKeys(k, n)),
    fc.tuple(key, fc.constantFrom(100_000, 900_000, 2_000_000)).map(([k, n]) => hugeString(k, n)),
  ];
  if (isProcessList) options.push(fc.constantFrom(...DEPTHS).map(nestedWhere), fc.constantFrom(...COUNTS).map(wideWhere));
  return fc.oneof(...options);
}
