/**
 * A Server-Sent Events parser as the HTML standard defines it (the part an EventSource does),
 * for `fetch` bodies: EventSource itself cannot send an `Authorization` header. No Node or DOM
 * specifics: text in, messages out.
 */

export interface SseMessage {
  /** `event:`; `message` when the frame named none. */
  event: string;
  data: string;
  /** The last event id in force when this message was dispatched. */
  id: string;
}

export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  /** The last event id (it persists across messages, and an id-only frame changes it). */
  lastEventId = '';
  /** `retry:` in milliseconds, when the server sent one. */
  retryMs: number | undefined;
  private sawCr = false;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
  }

  /** Feeds decoded text; returns the messages completed by it. */
  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    let chunk = text;
    // A CRLF split across two chunks: the LF was already ended by the CR.
    if (this.sawCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.sawCr = chunk.endsWith('\r');
    this.buffer += chunk;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line, out);
    return out;
  }

  private line(line: string, out: SseMessage[]) {
    if (line === '') return this.dispatch(out);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }

  private dispatch(out: SseMessage[]) {
    const hadData = this.data.length > 0;
    const message = { event: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId };
    this.data = [];
    this.event = '';
    if (hadData) out.push(message);
  }
}
