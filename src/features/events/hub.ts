/**
 * This process's share of the live event stream (docs/console.md#event-stream): one LISTEN
 * connection, one reader per team with open streams, and the streams themselves.
 *
 * Writers insert process_history rows and `pg_notify('chakra_history', <team id>)` in the
 * change's transaction (history/repo.ts), so every server process on the database is told at
 * commit. The reader of that team reads the rows after its head (repo.ts: only rows of
 * transactions older than every running one), builds each frame once and hands it to every
 * stream of the team. A lost
 * notification costs at most one fallback poll; nothing depends on in-memory state that
 * another process could disagree on: positions are the rows' own (txid, id).
 */
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../core/db/types.ts';
import type { FastifyBaseLogger } from 'fastify';
import { type Frame, KEEPALIVE, openingFrame, processFrame, resetFrame } from './frames.ts';
import { comparePositions, ORIGIN, type Position } from './position.ts';
import { countBetween, newestSafePosition, positionExists, rowsAfter } from './repo.ts';
import { HISTORY_CHANNEL } from '../history/repo.ts';

/** Rows read per query. */
const PAGE = 500;
/** Rows are there but an older transaction still runs: look again this soon. */
const HELD_BACK_POLL_MS = 50;
/** In case a notification was lost: every team with open streams is read at least this often. */
const FALLBACK_POLL_MS = 3000;
/** After a failed read (database unreachable). */
const FAILED_READ_POLL_MS = 1000;
const KEEPALIVE_MS = 15_000;
/** A stream whose socket has taken nothing for this long is closed: its client is gone or stuck. */
const STALLED_CLOSE_MS = 60_000;
/** A stream that resumes further back than this many events gets a reset instead of a replay. */
const REPLAY_MAX = 10_000;
/** What a stream may hold while its socket does not drain; past either bound the queue is dropped. */
const QUEUE_MAX_EVENTS = 1000;
export const QUEUE_MAX_BYTES = 1 << 20;

/** What a stream writes to: the HTTP response (a Node writable). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
  readonly socket: { destroy(): void } | null;
}

export interface HubLimits {
  /** Open streams on this process. */
  maxStreams: number;
  /** Open streams of one key (or one signed-in user) on this process. */
  maxStreamsPerKey: number;
}

/** One client's stream. Its queue holds frames only while the socket does not drain (or during a replay). */
export class Stream {
  private queue: Frame[] = [];
  queuedBytes = 0;
  /** The socket took the last write: write straight through. */
  private writable = true;
  /** Catching up from a resumed position: live frames wait in the queue. */
  replaying = true;
  /** The queue overflowed and was dropped: a reset is owed once the socket drains. */
  private lost = false;
  stalledSince: number | undefined;
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(
    readonly sink: StreamSink,
    readonly feed: TeamFeed,
    readonly ownerId: string,
    /** The last position this client has been given. */
    public position: Position,
  ) {}

  get queuedEvents(): number {
    return this.queue.length;
  }

  /** A live frame from the team's reader. */
  offer(frame: Frame): void {
    if (this.closed || this.lost || comparePositions(frame.position, this.position) <= 0) return;
    if (this.replaying || !this.writable) this.enqueue(frame);
    else this.write(frame.text, frame.position);
  }

  private enqueue(frame: Frame): void {
    this.queue.push(frame);
    this.queuedBytes += frame.text.length;
    if (this.queue.length > QUEUE_MAX_EVENTS || this.queuedBytes > QUEUE_MAX_BYTES) {
      // Memory per client stays bounded: what it could not take is dropped, and it is told to
      // refetch (a reset) when it can take something again.
      this.queue = [];
      this.queuedBytes = 0;
      this.lost = true;
      this.feed.hub.overflowed++;
    }
  }

  write(text: string, position?: Position): boolean {
    if (this.closed) return false;
    if (position) this.position = position;
    this.writable = this.sink.write(text);
    if (!this.writable) {
      this.stalledSince ??= Date.now();
      this.sink.once('drain', () => this.drained());
    }
    return this.writable;
  }

  private drained(): void {
    this.writable = true;
    this.stalledSince = undefined;
    this.wakeWaiters();
    this.flush();
  }

  /** Writes what waited, then the owed reset, while the socket takes it. */
  flush(): void {
    if (this.replaying) return;
    while (this.writable && this.queue.length && !this.closed) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= frame.text.length;
      if (comparePositions(frame.position, this.position) > 0) this.write(frame.text, frame.position);
    }
    if (this.writable && this.lost && !this.closed) {
      this.lost = false;
      // Everything up to the reader's head is what the client will refetch; live from there.
      const head = this.feed.head ?? this.position;
      this.write(resetFrame(head, 'slow'), head);
    }
  }

  /** Resolves once the socket has taken `text` (or the stream closed): a replay goes at the client's pace. */
  async writeAndWait(text: string, position: Position): Promise<void> {
    if (this.write(text, position) || this.closed) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Wakes a replay waiting for the socket (it drained, or the stream closed). */
  wakeWaiters(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** Replay done: live frames flow. */
  goLive(): void {
    this.replaying = false;
    this.flush();
  }

  /** Marks the stream as too far behind: the reset at `head` starts it live. */
  startWithReset(head: Position): void {
    this.queue = [];
    this.queuedBytes = 0;
    this.replaying = false;
    this.write(resetFrame(head, 'behind'), head);
    this.flush();
  }
}

/** The reader of one team, shared by every stream of that team on this process. */
class TeamFeed {
  readonly streams = new Set<Stream>();
  /** The newest row handed out; undefined until the first read of where "now" is. */
  head: Position | undefined;
  private reading = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  closed = false;
  readonly ready: Promise<void>;

  constructor(
    readonly hub: EventHub,
    readonly teamId: string,
  ) {
    this.ready = this.start();
  }

  private async start() {
    this.reading = true;
    try {
      this.head = (await newestSafePosition(this.hub.db(), this.teamId)) ?? ORIGIN;
    } finally {
      this.reading = false;
    }
    // A notification that came while the head was read was noted in `again`.
    if (this.again) this.wake();
    else this.schedule(FALLBACK_POLL_MS);
  }

  wake(): void {
    if (this.closed) return;
    if (this.reading || !this.head) {
      this.again = true;
      return;
    }
    void this.read();
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => this.wake(), ms);
    this.timer.unref();
  }

  private async read() {
    this.reading = true;
    this.again = false;
    clearTimeout(this.timer);
    let next = FALLBACK_POLL_MS;
    try {
      for (;;) {
        const rows = await rowsAfter(this.hub.db(), this.teamId, this.head!, PAGE);
        if (this.closed) return;
        let taken = 0;
        for (const row of rows) {
          if (!row.safe) break;
          const frame = processFrame(row);
          this.head = frame.position;
          for (const stream of this.streams) stream.offer(frame);
          taken++;
        }
        // Rows that an older, still running transaction holds back: they are safe once it ends.
        if (taken < rows.length) {
          next = HELD_BACK_POLL_MS;
          break;
        }
        if (rows.length < PAGE) break;
      }
    } catch (err) {
      this.hub.log()?.warn({ err: (err as Error).message, team: this.teamId }, 'event stream: reading history failed');
      next = FAILED_READ_POLL_MS;
    } finally {
      this.reading = false;
    }
    if (this.again) this.wake();
    else this.schedule(next);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
  }
}

/** What a stream is opened with. */
export interface StreamRequest {
  teamId: string;
  ownerId: string;
  /** Where the client was (Last-Event-ID); undefined: start at now. */
  from: Position | undefined;
}

export class EventHub {
  private readonly feeds = new Map<string, TeamFeed>();
  private readonly perOwner = new Map<string, number>();
  private open = 0;
  private listening: Promise<() => Promise<void>> | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private database: Db | undefined;
  private logger: FastifyBaseLogger | undefined;
  private closed = false;
  /** Queues dropped because their client did not keep up, since this process started. */
  overflowed = 0;

  constructor(private readonly limits: HubLimits) {}

  /** What the streams' queues hold now, and how many were dropped so far. */
  queued(): { events: number; bytes: number; overflowed: number } {
    let events = 0;
    let bytes = 0;
    for (const feed of this.feeds.values()) {
      for (const stream of feed.streams) {
        events += stream.queuedEvents;
        bytes += stream.queuedBytes;
      }
    }
    return { events, bytes, overflowed: this.overflowed };
  }

  /** Streams open on this process (a gauge). */
  get size(): number {
    return this.open;
  }

  db(): Db {
    if (!this.database) throw new Error('event hub used before start');
    return this.database;
  }

  log(): FastifyBaseLogger | undefined {
    return this.logger;
  }

  /**
   * Takes a place for one more stream of `ownerId`, or refuses (503 when the process is full,
   * 429 when the key holds its share); the returned function gives it back, once.
   */
  admit(ownerId: string): () => void {
    if (this.closed || this.open >= this.limits.maxStreams) {
      const err = new AppError('EVENT_STREAMS_FULL', { limit: this.limits.maxStreams });
      err.headers['retry-after'] = '5';
      throw err;
    }
    const mine = this.perOwner.get(ownerId) ?? 0;
    if (mine >= this.limits.maxStreamsPerKey) throw new AppError('EVENT_STREAMS_PER_KEY', { limit: this.limits.maxStreamsPerKey });
    this.open++;
    this.perOwner.set(ownerId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.perOwner.get(ownerId) ?? 1) - 1;
      if (left > 0) this.perOwner.set(ownerId, left);
      else this.perOwner.delete(ownerId);
    };
  }

  /** Starts listening (once per process, at the first stream). */
  async start(db: Db, log: FastifyBaseLogger): Promise<void> {
    this.database ??= db;
    this.logger ??= log;
    this.listening ??= db
      .listen(HISTORY_CHANNEL, {
        notify: (teamId) => this.feeds.get(teamId)?.wake(),
        gap: () => {
          for (const feed of this.feeds.values()) feed.wake();
        },
      })
      .catch((err) => {
        this.listening = undefined;
        throw err;
      });
    await this.listening;
    if (!this.keepalive) {
      this.keepalive = setInterval(() => this.tick(), KEEPALIVE_MS);
      this.keepalive.unref();
    }
  }

  /**
   * Joins a new stream to its team's reader, before anything is written: live events wait in
   * its queue until `play`. `release` (from `admit`) is called when it ends.
   */
  async attach(sink: StreamSink, request: StreamRequest, release: () => void): Promise<Stream> {
    const feed = await this.feedFor(request.teamId);
    const stream = new Stream(sink, feed, request.ownerId, request.from ?? feed.head!);
    feed.streams.add(stream);
    sink.once('close', () => this.drop(stream, release));
    // A client gone while the feed was made has closed already: its 'close' will not come again.
    if (sink.destroyed) this.drop(stream, release);
    else if (this.closed) this.drop(stream, release, true);
    return stream;
  }

  /**
   * Runs an attached stream: the opening frame, then the replay after the client's position
   * up to the reader's head (or a reset when that is too far back or gone), then live events.
   */
  async play(stream: Stream, from: Position | undefined): Promise<void> {
    if (stream.closed) return;
    const head = stream.feed.head!;
    const teamId = stream.feed.teamId;
    stream.write(openingFrame(stream.position));
    if (!from) return stream.goLive();
    try {
      // A position this database does not know (pruned, or another database's, perhaps far
      // ahead of anything here) cannot be resumed from: waiting for rows past it would be silence.
      const known = comparePositions(from, ORIGIN) === 0 || (await positionExists(this.db(), teamId, from));
      if (!known) return stream.startWithReset(head);
      // Another process's reader may be ahead of this one's: what lies between arrives live.
      if (comparePositions(from, head) >= 0) return stream.goLive();
      if ((await countBetween(this.db(), teamId, from, head, REPLAY_MAX)) > REPLAY_MAX) return stream.startWithReset(head);
      let at = from;
      for (;;) {
        const rows = await rowsAfter(this.db(), teamId, at, PAGE, head);
        for (const row of rows) {
          if (stream.closed) return;
          const frame = processFrame(row);
          await stream.writeAndWait(frame.text, frame.position);
          at = frame.position;
        }
        if (rows.length < PAGE) break;
      }
      stream.goLive();
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message, team: teamId }, 'event stream: replay failed; closing the stream');
      finish(stream);
    }
  }

  private async feedFor(teamId: string): Promise<TeamFeed> {
    for (;;) {
      let feed = this.feeds.get(teamId);
      if (!feed) {
        feed = new TeamFeed(this, teamId);
        this.feeds.set(teamId, feed);
        feed.ready.catch(() => {
          feed!.close();
          if (this.feeds.get(teamId) === feed) this.feeds.delete(teamId);
        });
      }
      await feed.ready;
      // The feed's last stream may have left while this one waited: take a fresh one.
      if (!feed.closed) return feed;
    }
  }

  private drop(stream: Stream, release: () => void, end = false) {
    if (!stream.closed) {
      stream.closed = true;
      stream.wakeWaiters();
      const feed = stream.feed;
      feed.streams.delete(stream);
      if (feed.streams.size === 0) {
        feed.close();
        if (this.feeds.get(feed.teamId) === feed) this.feeds.delete(feed.teamId);
      }
    }
    release();
    if (end) finish(stream);
  }

  private tick() {
    const now = Date.now();
    for (const feed of this.feeds.values()) {
      for (const stream of feed.streams) {
        if (stream.stalledSince !== undefined) {
          if (now - stream.stalledSince > STALLED_CLOSE_MS) stream.sink.destroy();
        } else if (!stream.replaying) stream.write(KEEPALIVE);
      }
    }
  }

  /** Ends every stream and stops listening: the server is closing (an open stream never ends by itself). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.keepalive);
    for (const feed of [...this.feeds.values()]) {
      feed.close();
      for (const stream of [...feed.streams]) {
        stream.closed = true;
        stream.wakeWaiters();
        finish(stream);
      }
    }
    this.feeds.clear();
    const unlisten = await this.listening?.catch(() => undefined);
    this.listening = undefined;
    await unlisten?.();
  }
}

/** How long a closing stream's client has to take its last bytes before the connection is cut. */
const END_GRACE_MS = 1000;

/**
 * Ends a stream cleanly; a connection still open after a moment (a client that stopped reading
 * without closing) is cut, since the server's close waits for every connection.
 */
function finish(stream: Stream) {
  if (stream.sink.destroyed) return;
  if (stream.stalledSince !== undefined) return stream.sink.destroy();
  // The response lets go of its socket once ended: keep hold of it to cut it later.
  const socket = stream.sink.socket;
  stream.sink.end();
  setTimeout(() => socket?.destroy(), END_GRACE_MS).unref();
}
