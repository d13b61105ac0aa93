/**
 * The webhook benchmark's customer endpoint, in a process of its own: answers 200 to every POST
 * on HOOK_PORT and counts deliveries per second and distinct delivery ids. On PORT, the control
 * side: GET /healthz, GET /stats, POST /down (stop listening: connection refused), POST /up.
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

const hookPort = Number(process.env.HOOK_PORT);
const ids = new Set<string>();
const perSecond = new Map<number, number>();
let received = 0;
let server: Server | undefined;
const sockets = new Set<Socket>();

function up(): Promise<void> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      ids.add(String(req.headers['x-chakra-delivery-id']));
      const second = Math.floor(Date.now() / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server!.listen(hookPort, '127.0.0.1', resolve));
}

function down(): Promise<void> {
  const s = server;
  server = undefined;
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
}

await up();
createServer(async (req, res) => {
  if (req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ received, unique: ids.size, perSecond: Object.fromEntries(perSecond) }));
  }
  if (req.url === '/down' && req.method === 'POST') await down();
  else if (req.url === '/up' && req.method === 'POST') await up();
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1');
