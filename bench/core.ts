/**
 * `npm run bench -- core`: authenticated GET /v1/health and GET /v1/ext/config against bare
 * Fastify's hello world, all in one run on the machine's PostgreSQL: autocannon, 50
 * connections, after a warm-up. This machine's throughput drifts by ±20 % over a minute, so
 * baseline and health are measured in nine alternating rounds of 5 s and the ratio is the
 * median of the per-round ratios (more, shorter rounds: the median moves less from run to run). Target: health ≥ 0.7 × bare Fastify. The server's
 * own CPU time per request (from /proc) is measured the same way: steadier, and the better guide
 * to what a change on the request path costs (`health_cpu_ratio` = bare µs ÷ health µs).
 */
import { cpuPerRequest, load, SERVER_MAIN, startChild, withDatabase, type LoadResult } from './support.ts';

const WARMUP_S = 3;
const MEASURE_S = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const r = await load(url, { headers, seconds: MEASURE_S });
  if (r.non2xx > 0) throw new Error(`${label}: ${r.non2xx} responses were not 2xx`);
  console.log(`${label.padEnd(26)} ${String(Math.round(r.rps)).padStart(7)} req/s   p50 ${r.p50ms} ms   p99 ${r.p99ms} ms`);
  return r;
}

export async function run(): Promise<Record<string, unknown>> {
  return withDatabase(async (databaseUrl) => {
    const start = (logLevel: string) =>
      startChild([SERVER_MAIN, 'serve'], {
        DATABASE_URL: databaseUrl,
        CHAKRA_SECRET_KEY: 'b'.repeat(64),
        // The limiter stays on (its cost is part of the figure) but must not refuse the load.
        RATE_LIMIT_PER_SECOND: '1000000',
        RATE_LIMIT_BURST: '1000000',
        LOG_LEVEL: logLevel,
      });
    const bare = await startChild(['bench/hello-fastify.ts'], {}, '/');
    // Main figures with LOG_LEVEL=warn, as bare Fastify runs without a logger; the cost of one
    // info line per request is measured separately so that it is visible, not hidden.
    let server = await start('warn');
    try {
      const key = /Demo API key: (\S+)/.exec(server.stdout)![1];
      const auth = { authorization: `Bearer ${key}` };
      const healthUrl = `${server.url}/v1/health`;
      await load(`${bare.url}/`, { seconds: WARMUP_S });
      await load(healthUrl, { headers: auth, seconds: WARMUP_S });

      const baselines: number[] = [];
      const healths: number[] = [];
      const ratios: number[] = [];
      let healthP99 = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const b = await measure(`bare Fastify hello #${round}`, `${bare.url}/`);
        const h = await measure(`GET /v1/health #${round}`, healthUrl, auth);
        baselines.push(b.rps);
        healths.push(h.rps);
        ratios.push(h.rps / b.rps);
        healthP99 = Math.max(healthP99, h.p99ms);
      }
      // CPU time per request, in alternating rounds too (median of each).
      const bareCpu: number[] = [];
      const healthCpu: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        bareCpu.push(await cpuPerRequest(bare.pid, `${bare.url}/`));
        healthCpu.push(await cpuPerRequest(server.pid, healthUrl, auth));
        console.log(
          `CPU per request #${round}: bare Fastify ${bareCpu.at(-1)!.toFixed(1)} µs   /v1/health ${healthCpu.at(-1)!.toFixed(1)} µs`,
        );
      }
      await bare.stop();

      const configUrl = `${server.url}/v1/ext/config`;
      await load(configUrl, { headers: auth, seconds: WARMUP_S });
      const config = await measure('GET /v1/ext/config', configUrl, auth);
      await server.stop();

      server = await start('info');
      await load(`${server.url}/v1/health`, { headers: auth, seconds: WARMUP_S });
      const healthInfo = await measure('GET /v1/health (info log)', `${server.url}/v1/health`, auth);
      const baseline = median(baselines);
      return {
        bench: 'core',
        health_rps: Math.round(median(healths)),
        config_rps: Math.round(config.rps),
        baseline_rps: Math.round(baseline),
        health_ratio: Math.round(median(ratios) * 100) / 100,
        config_ratio: Math.round((config.rps / baseline) * 100) / 100,
        health_info_log_rps: Math.round(healthInfo.rps),
        health_p99_ms: healthP99,
        baseline_cpu_us: Math.round(median(bareCpu) * 10) / 10,
        health_cpu_us: Math.round(median(healthCpu) * 10) / 10,
        health_cpu_ratio: Math.round((median(bareCpu) / median(healthCpu)) * 100) / 100,
        config_p99_ms: config.p99ms,
      };
    } finally {
      await server.stop();
      await bare.stop();
    }
  });
}
