import { describe, expect, it } from 'vitest';
import { groupWriter } from './group-writer.ts';

describe('groupWriter', () => {
  it('writes a lone row at once, and rows arriving meanwhile together in the next statement', async () => {
    const statements: number[][] = [];
    let release!: () => void;
    const writer = groupWriter<number>(async (rows) => {
      statements.push(rows);
      if (statements.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = writer.add(1);
    const rest = [2, 3, 4].map((n) => writer.add(n));
    expect(statements).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(statements).toEqual([[1], [2, 3, 4]]);
  });

  it('answers every row of a failed statement with its error, and goes on with the next', async () => {
    let calls = 0;
    const writer = groupWriter<number>(async () => {
      if (++calls === 1) throw new Error('refused');
    });
    const results = await Promise.allSettled([writer.add(1), writer.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    await expect(writer.add(3)).resolves.toBeUndefined();
  });

  it('caps a statement at maxRows', async () => {
    const sizes: number[] = [];
    const writer = groupWriter<number>(async (rows) => void sizes.push(rows.length), 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => writer.add(n)));
    expect(sizes).toEqual([1, 2, 2]);
  });
});
