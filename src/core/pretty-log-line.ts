/**
 * Turns one pino JSON line into one line a person reads at a terminal:
 *
 *   2026-05-04T10:12:33.123Z INFO  chakra ready role=all port=3000 version=0.1.0
 *
 * An error's stack follows on indented lines. Small on purpose: pino-pretty's transport runs in
 * a worker thread, more than a start-up terminal needs.
 */
const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[36m' },
  30: { name: 'INFO', color: '\x1b[32m' },
  40: { name: 'WARN', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[35m' },
};
const RESET = '\x1b[0m';
/** Fields every line has, or that the line already shows in its own place. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname']);
const PLAIN = /^[^\s"=\\]+$/;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return PLAIN.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export function prettyLogLine(line: string, colors = false): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(line);
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[event.level as number] ?? { name: String(event.level), color: '' };
  const name = level.name.padEnd(5);
  const parts = [String(event.time ?? ''), colors ? level.color + name + RESET : name];
  if (event.msg !== undefined) parts.push(String(event.msg));
  let stack: string | undefined;
  for (const [field, value] of Object.entries(event)) {
    if (SHOWN_APART.has(field)) continue;
    if (field === 'err' && value && typeof value === 'object' && typeof (value as { stack?: unknown }).stack === 'string') {
      const { stack: trace, ...rest } = value as Record<string, unknown>;
      stack = trace as string;
      delete rest.type;
      if (Object.keys(rest).length > 1 || !('message' in rest)) parts.push(`err=${formatValue(rest)}`);
      continue;
    }
    parts.push(`${field}=${formatValue(value)}`);
  }
  let text = `${parts.join(' ')}\n`;
  if (stack) text += `${stack.replace(/^/gm, '    ')}\n`;
  return text;
}
