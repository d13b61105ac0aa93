/** `npm run bench -- <name>`: runs bench/<name>.ts; its figures end stdout as one JSON line. */
const BENCHES = ['core', 'processes', 'bulk', 'whatsapp', 'webhooks'];

const name = process.argv[2];
if (!name || !BENCHES.includes(name)) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}>`);
  process.exit(2);
}
const { run } = (await import(`./${name}.ts`)) as { run: () => Promise<Record<string, unknown>> };
const figures = await run();
console.log(JSON.stringify(figures));
