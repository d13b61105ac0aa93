/**
 * `npm run bench -- webhooks`, on the machine's PostgreSQL: Meta's signed events posted at the
 * inbound webhook while the server forwards each to the demo plugin's pass-through webhook (a
 * receiver in a process of its own).
 * 1. load: autocannon (BENCH_CONNECTIONS, 32) posts incoming-message events from 1,000
 *    customers for BENCH_SECONDS (20); figures: events acknowledged per second (median) and
 *    p99 latency, deliveries per second at the receiver, and how long after the load the last
 *    one arrived. Targets: ≥ 2,000 events/s acknowledged with p99 ≤ 50 ms, forwarding keeping pace;
 * 2. outage: the receiver refuses connections for BENCH_OUTAGE_SECONDS (60) while events keep
 *    coming at BENCH_OUTAGE_RATE (500/s); then it comes back. Figures: the counts (posted,
 *    stored, forwarded, repeated) and how long the backlog took to drain. Target: nothing lost.
 * BENCH_VERBOSE=1 also prints the deliveries received in each second of the drain.
 */
import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { freePort, jsonApi, startChild, startServer, withDatabase } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 60);
const OUTAGE_RATE = Number(process.env.BENCH_OUTAGE_RATE ?? 500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CUSTOMERS = 1000;
const PLUGIN = 'd83e1d23-50b8-4d87-8f92-842a0ac516f6';
const PNID = '775966265503012';
const APP_SECRET = 'bench-app-secret';
const round = (x: number) => Math.round(x);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An incoming text message as Meta posts it, the n-th of the run. */
function event(n: number): string {
  const from = `9198${String(n % CUSTOMERS).padStart(8, '0')}`;
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '83784929738012',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '917259775805', phone_number_id: PNID },
              contacts: [{ profile: { name: `Customer ${n % CUSTOMERS}` }, wa_id: from }],
              messages: [
                {
                  from,
                  id: `wamid.bench-${n}`,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: { body: `message ${n}` },
                  type: 'text',
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

interface Stats {
  received: number;
  unique: number;
  perSecond: Record<string, number>;
}

export async function run(): Promise<Record<string, unknown>> {
  const hookPort = await freePort();
  const receiver = await startChild(['bench/webhook-receiver-main.ts'], { HOOK_PORT: String(hookPort) });
  const stats = async (): Promise<Stats> => (await fetch(`${receiver.url}/stats`)).json() as Promise<Stats>;
  try {
    return await withDatabase(async (databaseUrl) => {
      const { server, key } = await startServer(databaseUrl, {
        DEMO_WHATSAPP_APP_SECRET: APP_SECRET,
        DEMO_WEBHOOK_HMAC_SECRET: 'bench-team-secret',
        SANDBOX_CALLBACKS: 'false',
      });
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
      try {
        await jsonApi(server.url, key)('POST', `/v1/ext/plugin/whatsapp/${PLUGIN}/update-config`, {
          passThroughWebhookUrl: `http://127.0.0.1:${hookPort}/hooks`,
        });

        let n = 0;
        const post = (options: Partial<autocannon.Options>) =>
          autocannon({
            url: `${server.url}/v1/webhooks/whatsapp/${PLUGIN}`,
            method: 'POST',
            connections: CONNECTIONS,
            ...options,
            requests: [
              {
                setupRequest: (req: any) => {
                  const body = event(n++);
                  const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`;
                  return { ...req, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
                },
              },
            ],
          });
        /** Waits until the receiver holds `count` distinct deliveries; returns the seconds it took. */
        const drained = async (count: number, timeoutS: number) => {
          const t = performance.now();
          while ((await stats()).unique < count) {
            if (performance.now() - t > timeoutS * 1000) {
              const state = (
                await pool.query(`select state, count(*)::int as n, count(*) filter (where claimed_until > now())::int as claimed,
                                         min(next_attempt_at) as next from webhook_deliveries group by state`)
              ).rows;
              const jobs = (
                await pool.query(`select name, state, count(*)::int as n from pgboss.job where name not like 'bulk%' group by 1, 2`)
              ).rows;
              throw new Error(
                `only ${(await stats()).unique} of ${count} forwarded after ${timeoutS} s: ${JSON.stringify({ state, jobs })}`,
              );
            }
            await sleep(100);
          }
          return (performance.now() - t) / 1000;
        };

        // 1. Load.
        const startSecond = Math.floor(Date.now() / 1000);
        const load = await post({ duration: SECONDS });
        const endSecond = Math.floor(Date.now() / 1000);
        if (load.non2xx) throw new Error(`${load.non2xx} events refused`);
        const acked = load.requests.total;
        // What the server stored is the reference: a request in flight when autocannon stops is stored but not counted by it.
        const storedCount = async () => (await pool.query('select count(*)::int as n from whatsapp_inbound_events')).rows[0].n as number;
        const lagS = await drained(await storedCount(), 180);
        const per = (await stats()).perSecond;
        const loadSeconds = Array.from({ length: endSecond - startSecond - 1 }, (_, i) => startSecond + 1 + i);
        const forwardedPerSecond = median(loadSeconds.map((sec) => per[sec] ?? 0));
        const processedBySecond = new Map<number, number>(
          (
            await pool.query(
              `select floor(extract(epoch from processed_at))::bigint as s, count(*)::int as n from whatsapp_inbound_events group by 1`,
            )
          ).rows.map((r) => [Number(r.s), r.n]),
        );
        const processedPerSecond = median(loadSeconds.map((sec) => processedBySecond.get(sec) ?? 0));
        console.log(
          `load: ${acked} events in ${load.duration.toFixed(1)} s, acknowledged median ${load.requests.p50}/s (mean ${round(load.requests.average)}/s), ` +
            `p50 ${load.latency.p50} ms, p99 ${load.latency.p99} ms; processed median ${processedPerSecond}/s; forwarded median ${forwardedPerSecond}/s; last one ${lagS.toFixed(1)} s after the load`,
        );

        // 2. Outage.
        await fetch(`${receiver.url}/down`, { method: 'POST' });
        const outage = await post({ duration: OUTAGE_SECONDS, overallRate: OUTAGE_RATE, connections: 8 });
        if (outage.non2xx) throw new Error(`${outage.non2xx} events refused during the outage`);
        const posted = acked + outage.requests.total;
        await fetch(`${receiver.url}/up`, { method: 'POST' });
        const upSecond = Math.floor(Date.now() / 1000);
        const drainS = await drained(await storedCount(), 600);
        if (process.env.BENCH_VERBOSE) {
          const per2 = (await stats()).perSecond;
          console.log('drain per second:', Array.from({ length: Math.ceil(drainS) + 1 }, (_, i) => per2[upSecond + i] ?? 0).join(' '));
        }
        await sleep(2000);
        const after = await stats();
        const [{ stored, unprocessed }] = (
          await pool.query(
            `select count(*)::int as stored, count(*) filter (where processed_at is null)::int as unprocessed from whatsapp_inbound_events`,
          )
        ).rows;
        const [{ pending, failed }] = (
          await pool.query(
            `select count(*) filter (where state = 'PENDING')::int as pending, count(*) filter (where state = 'FAILED')::int as failed from webhook_deliveries`,
          )
        ).rows;
        console.log(
          `outage: ${outage.requests.total} events posted during ${OUTAGE_SECONDS} s of connection refused; backlog drained ${drainS.toFixed(1)} s after the receiver came back; ` +
            `posted ${posted} (counted by autocannon), stored ${stored}, forwarded ${after.unique} distinct (${after.received - after.unique} repeated), pending ${pending}, failed ${failed}, unprocessed ${unprocessed}`,
        );
        return {
          bench: 'webhooks',
          seconds: SECONDS,
          acked_events: acked,
          acked_per_s_median: load.requests.p50,
          acked_per_s_mean: round(load.requests.average),
          ack_p50_ms: load.latency.p50,
          ack_p99_ms: load.latency.p99,
          processed_per_s_median: processedPerSecond,
          forwarded_per_s_median: forwardedPerSecond,
          forward_lag_s: Number(lagS.toFixed(1)),
          outage_s: OUTAGE_SECONDS,
          outage_events: outage.requests.total,
          drain_s: Number(drainS.toFixed(1)),
          posted,
          stored,
          forwarded_distinct: after.unique,
          forwarded_repeated: after.received - after.unique,
          lost: stored - after.unique,
        };
      } finally {
        await pool.end();
        await server.stop();
      }
    });
  } finally {
    await receiver.stop();
  }
}
