/**
 * Small damage done to a valid-looking JSON value: a field of the wrong type, a required field
 * missing, an extra field, a null, a number at an edge, a prototype-named key. Each mutation
 * picks its place by index, so a seed always damages the same spot.
 */
import fc from 'fast-check';
import { EDGE_NUMBERS, NUMERIC_STRINGS, hostileJson, hostileKey } from './hostile-values.ts';

export type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'null'; at: number }
  | { kind: 'drop-key'; at: number }
  | { kind: 'extra-key'; at: number; key: string; value: unknown }
  | { kind: 'edge-number'; at: number; value: number | string }
  | { kind: 'wrap-in-array'; at: number }
  | { kind: 'stringify'; at: number };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileJson }),
  fc.record({ kind: fc.constant('null' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('drop-key' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extra-key' as const), at: fc.nat(), key: hostileKey, value: hostileJson }),
  fc.record({
    kind: fc.constant('edge-number' as const),
    at: fc.nat(),
    value: fc.constantFrom<number | string>(...EDGE_NUMBERS, ...NUMERIC_STRINGS),
  }),
  fc.record({ kind: fc.constant('wrap-in-array' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('stringify' as const), at: fc.nat() }),
);

type Slot = { parent: any; key: string | number };

/** Every place in the value that holds a value, the root first (parent null). */
function slots(root: { v: unknown }): Slot[] {
  const out: Slot[] = [{ parent: root, key: 'v' }];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node && typeof node === 'object')
      for (const k of Object.keys(node)) {
        out.push({ parent: node, key: k });
        walk((node as any)[k]);
      }
  };
  walk(root.v);
  return out;
}

/** Sets a property as an own, enumerable one, even when it is called `__proto__`. */
function setOwn(target: any, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function describeMutation(m: Mutation): string {
  switch (m.kind) {
    case 'extra-key':
      return `extra key ${JSON.stringify(m.key)}`;
    case 'edge-number':
      return `number ${String(m.value)}`;
    default:
      return m.kind;
  }
}

/** Applies the mutations to a deep copy of the value; returns the copy. */
export function applyMutations(value: unknown, mutations: Mutation[]): unknown {
  const root = { v: structuredClone(value) };
  for (const m of mutations) {
    const all = slots(root);
    const slot = all[m.at % all.length];
    const current = slot.parent[slot.key];
    switch (m.kind) {
      case 'replace':
        setOwn(slot.parent, slot.key, structuredClone(m.value));
        break;
      case 'null':
        setOwn(slot.parent, slot.key, null);
        break;
      case 'drop-key': {
        const objects = all.filter((s) => s.parent !== root && !Array.isArray(s.parent));
        if (objects.length) {
          const victim = objects[m.at % objects.length];
          delete victim.parent[victim.key];
        }
        break;
      }
      case 'extra-key': {
        const objects = [root.v, ...all.map((s) => s.parent[s.key])].filter((n) => n && typeof n === 'object' && !Array.isArray(n));
        if (objects.length) setOwn(objects[m.at % objects.length], m.key, structuredClone(m.value));
        break;
      }
      case 'edge-number':
        setOwn(slot.parent, slot.key, m.value);
        break;
      case 'wrap-in-array':
        setOwn(slot.parent, slot.key, [current]);
        break;
      case 'stringify':
        setOwn(slot.parent, slot.key, JSON.stringify(current) ?? 'undefined');
        break;
    }
  }
  return root.v;
}
