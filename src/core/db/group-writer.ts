/**
 * Group commit for a hot insert: each caller's row waits for the statement that writes it, and
 * rows that arrive while statements are running go together in the next one. Under load one
 * statement (and one commit) carries many rows; alone, a row is written at once. Up to
 * `concurrency` statements run at a time, so a commit waiting on the disk does not hold up the
 * next batch. A caller is answered only after its row is committed, or with the error that kept
 * it out.
 */
export function groupWriter<T>(write: (rows: T[]) => Promise<void>, options: { maxRows?: number; concurrency?: number } = {}) {
  const { maxRows = 500, concurrency = 1 } = options;
  let waiting: { row: T; done: (err?: unknown) => void }[] = [];
  let writers = 0;

  async function drain() {
    writers++;
    while (waiting.length) {
      const batch = waiting.slice(0, maxRows);
      waiting = waiting.slice(batch.length);
      try {
        await write(batch.map((w) => w.row));
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.done(err);
      }
    }
    writers--;
  }

  return {
    add(row: T): Promise<void> {
      return new Promise((resolve, reject) => {
        waiting.push({ row, done: (err) => (err === undefined ? resolve() : reject(err)) });
        if (writers < concurrency) void drain();
      });
    },
  };
}
