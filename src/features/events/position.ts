/**
 * A place in a team's event stream: the writing transaction's id and the history row's id,
 * `<txid>.<id>` on the wire (the SSE `id:` field, `Last-Event-ID`). Ordered by txid first:
 * rows become readable in transaction order (repo.ts), not in id order.
 */
export interface Position {
  /** xid8, as decimal text (it may exceed 2^53). */
  txid: string;
  /** The history row's id, as decimal text. */
  id: string;
}

/** Before every row: where a stream of a team without history starts. */
export const ORIGIN: Position = Object.freeze({ txid: '0', id: '0' });

const WIRE = /^(\d{1,20})\.(\d{1,19})$/;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** The wire form's pattern, for the route schema and the document. */
export const POSITION_PATTERN = WIRE.source;

/** `<txid>.<id>` → Position; undefined when it is not one (out of range included). */
export function parsePosition(text: string): Position | undefined {
  const match = WIRE.exec(text);
  if (!match) return undefined;
  const [txid, id] = [BigInt(match[1]), BigInt(match[2])];
  if (txid > MAX_XID8 || id > MAX_BIGINT) return undefined;
  return { txid: txid.toString(), id: id.toString() };
}

export function formatPosition(p: Position): string {
  return `${p.txid}.${p.id}`;
}

/** Negative, zero or positive as `a` comes before, at or after `b` in stream order. */
export function comparePositions(a: Position, b: Position): number {
  const byTx = BigInt(a.txid) - BigInt(b.txid);
  if (byTx !== 0n) return byTx < 0n ? -1 : 1;
  const byId = BigInt(a.id) - BigInt(b.id);
  return byId === 0n ? 0 : byId < 0n ? -1 : 1;
}
