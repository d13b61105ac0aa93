/**
 * `npm run bench -- whatsapp`, on the machine's PostgreSQL, against the Meta double in a
 * process of its own, with pacing off (the demo plugin's messagesPerSecond set to 0):
 * 1. intake: autocannon posts `?async=true` template sends (a new recipient each) at a
 *    `serve --role api` process (no workers) until BENCH_QUEUED (32,000) are queued;
 * 2. the durable queue: a second process with the workers starts and drains it; figure = sends
 *    Meta accepted per second (from each message's SENT time), median and lowest full second.
 *    Target: ≥ 1,000/s sustained for 30 s;
 * 3. synchronous sends, one at a time: p50 of our endpoint minus p50 of the same message posted
 *    straight at the double from this process. Target: overhead ≤ 5 ms.
 */
import autocannon from 'autocannon';
import pg from 'pg';
import { percentile, SERVER_MAIN, startChild, withDatabase } from './support.ts';

const QUEUED = Number(process.env.BENCH_QUEUED ?? 32_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SYNC_SENDS = 1000;
const PLUGIN = 'd83e1d23-50b8-4d87-8f92-842a0ac516f6';
const PNID = '775966265503012';
const round = (x: number) => Math.round(x);
const body = (order: number) =>
  JSON.stringify({
    whatsappPhoneNumberId: PNID,
    templateName: 'order_notice',
    mapping: [{ schemaPropertyName: '1', schemaPropertyValue: `B-${order}` }],
  });
const sendPath = (phone: string, query = '') => `/v1/ext/plugin/whatsapp/${PLUGIN}/phoneNumber/${phone}/send-template-message${query}`;

export async function run(): Promise<Record<string, unknown>> {
  const meta = await startChild(['bench/meta-double-main.ts'], {});
  try {
    return await withDatabase(async (databaseUrl) => {
      const env = {
        DATABASE_URL: databaseUrl,
        CHAKRA_SECRET_KEY: 'c'.repeat(64),
        RATE_LIMIT_PER_SECOND: '1000000',
        RATE_LIMIT_BURST: '1000000',
        LOG_LEVEL: 'warn',
        WHATSAPP_GRAPH_URL: meta.url,
      };
      const api = await startChild([SERVER_MAIN, 'serve', '--role', 'api'], env);
      const key = /Demo API key: (\S+)/.exec(api.stdout)![1];
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      let all: Awaited<ReturnType<typeof startChild>> | undefined;
      try {
        await pool.query('update whatsapp_plugins set messages_per_second = 0 where id = $1', [PLUGIN]);

        // 1. Intake.
        let n = 0;
        const intake = await autocannon({
          url: api.url,
          connections: CONNECTIONS,
          amount: QUEUED,
          method: 'POST',
          headers,
          requests: [
            { setupRequest: (req: any) => ({ ...req, path: sendPath(`91${7_000_000_000 + n}`, '?async=true'), body: body(n++) }) },
          ],
        });
        if (intake.non2xx) throw new Error(`${intake.non2xx} queued sends were refused`);
        const [{ queued }] = (await pool.query('select count(*)::int as queued from whatsapp_send_queue')).rows;
        const intakeRate = queued / intake.duration;
        console.log(
          `intake: ${queued} sends queued in ${intake.duration.toFixed(1)} s = ${round(intakeRate)}/s (p50 ${intake.latency.p50} ms, p99 ${intake.latency.p99} ms)`,
        );

        // 2. Drain.
        const drainStart = performance.now();
        all = await startChild([SERVER_MAIN, 'serve'], env);
        for (;;) {
          const [{ left }] = (await pool.query('select count(*)::int as left from whatsapp_send_queue')).rows;
          if (left === 0) break;
          if (performance.now() - drainStart > 300_000) throw new Error(`${left} sends still queued after 5 minutes`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const seconds = (
          await pool.query(
            `select count(*)::int as n from chat_messages where delivery_status = 'SENT'
              group by date_trunc('second', updated_at) order by date_trunc('second', updated_at)`,
          )
        ).rows.map((r) => r.n as number);
        const [{ sent, failed }] = (
          await pool.query(
            `select count(*) filter (where delivery_status = 'SENT')::int as sent, count(*) filter (where delivery_status <> 'SENT')::int as failed from chat_messages`,
          )
        ).rows;
        if (sent !== queued || failed) throw new Error(`queued ${queued}, SENT ${sent}, not SENT ${failed}`);
        const full = seconds.slice(1, -1); // the first and last seconds are partial
        const drainMedian = percentile(full, 50);
        const drainLowest = Math.min(...full);
        console.log(
          `queue drain: ${sent} sends over ${seconds.length} s; full seconds ${full.length}, median ${drainMedian}/s, lowest ${drainLowest}/s`,
        );
        console.log(`  per second: ${seconds.join(' ')}`);

        // 3. Synchronous sends, one at a time.
        const ours: number[] = [];
        const direct: number[] = [];
        const message = JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '919100000000',
          type: 'template',
          template: { name: 'order_notice', language: { code: 'en' } },
        });
        for (let i = 0; i < SYNC_SENDS; i++) {
          let t = performance.now();
          const res = await fetch(all.url + sendPath(`919${100_000_000 + i}`), { method: 'POST', headers, body: body(i) });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`a synchronous send answered ${res.status}`);
          ours.push(performance.now() - t);
          t = performance.now();
          const raw = await fetch(`${meta.url}/v22.0/${PNID}/messages`, {
            method: 'POST',
            headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
            body: message,
          });
          await raw.arrayBuffer();
          direct.push(performance.now() - t);
        }
        const oursP50 = percentile(ours, 50);
        const directP50 = percentile(direct, 50);
        console.log(
          `synchronous send p50 ${oursP50.toFixed(2)} ms; the double alone p50 ${directP50.toFixed(2)} ms; overhead ${(oursP50 - directP50).toFixed(2)} ms`,
        );

        return {
          bench: 'whatsapp',
          intake_queued: queued,
          intake_per_s: round(intakeRate),
          intake_p50_ms: intake.latency.p50,
          drain_seconds: seconds.length,
          drain_median_per_s: drainMedian,
          drain_lowest_per_s: drainLowest,
          sync_p50_ms: Number(oursP50.toFixed(2)),
          double_p50_ms: Number(directP50.toFixed(2)),
          sync_overhead_p50_ms: Number((oursP50 - directP50).toFixed(2)),
        };
      } finally {
        await pool.end();
        await all?.stop();
        await api.stop();
      }
    });
  } finally {
    await meta.stop();
  }
}
