/**
 * `chakra sandbox`: the WhatsApp sandbox on a port of its own, for pointing a plugin's
 * `graphApiUrl` (or WHATSAPP_GRAPH_URL) at it from another server, a test or a script.
 */
import { buildSandbox } from '../whatsapp/sandbox/sandbox-app.ts';
import { UsageError } from './usage-error.ts';

export async function sandboxCommand(options: { port: string; host: string; messagesPerSecond: string }): Promise<void> {
  const port = Number(options.port);
  const perSecond = Number(options.messagesPerSecond);
  if (!/^\d+$/.test(options.port) || port > 65535) throw new UsageError(`--port must be a port number, got "${options.port}"`);
  if (!/^\d+$/.test(options.messagesPerSecond))
    throw new UsageError(`--messages-per-second must be a whole number (0: no limit), got "${options.messagesPerSecond}"`);
  const app = buildSandbox({ messagesPerSecond: () => perSecond });
  const address = await app.listen({ port, host: options.host });
  console.log(`WhatsApp sandbox listening on ${address} (${perSecond ? `${perSecond} messages/s per number` : 'no throughput limit'})`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
}
