import type { OfficeScope } from '../shared/contract/central-api';
import { feedPage, pageEnd, type FeedPage, type FeedPosition, type FeedRead, type FeedRow } from './store';

/** The store's read of the feed (`CentralStore.feedRead`): rows after a position, up to another. */
export type FeedReader = (scope: OfficeScope, after: FeedPosition, limit: number, upTo?: FeedPosition) => Promise<FeedRead>;

export interface FeedTailOptions {
  /** Most changes one scope's tail holds; the oldest go first (0: no tails, every poll reads the database). */
  maxRowsPerScope?: number;
  /** Most bytes of changes all tails hold together; the scope polled longest ago goes first. */
  maxBytes?: number;
  /** Most changes one read may bring to keep a tail up to date; past it the tail is dropped (the next poll starts one). */
  maxRead?: number;
}

/**
 * A change as the tail holds it: its text as UTF-8, encoded once (a page is then a copy of
 * bytes, not a string joined and encoded again for each desk: a name outside Latin-1 makes
 * the whole page a two-byte string); a later change of the same request supersedes it (its
 * bytes dropped, its position kept).
 */
interface Entry {
  xid: bigint;
  id: string;
  bytes: Buffer;
  live: boolean;
}

const noBytes = Buffer.alloc(0);
const comma = Buffer.from(',');
const entryOf = (row: FeedRow): Entry => ({ xid: row.xid, id: row.id, bytes: ownBytes(row.wire), live: true });

/**
 * A string's UTF-8 in memory of its own: `Buffer.from` puts a short text in a shared 8 KB
 * block, which one kept entry would hold alive whole (the tails' byte count would then
 * be a fraction of what they hold).
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/**
 * One scope's recent history, as the database holds it: every request whose current
 * position lies in (floor, horizon), in feed order. Positions are compared by transaction
 * only: ids are ordered by the database's collation, which this process does not know, so
 * an id is only ever matched, never ordered.
 */
interface ScopeTail {
  key: string;
  floor: FeedPosition;
  entries: Entry[];
  /** Request id → its live entry's position in `entries`. */
  live: Map<string, Entry>;
  horizon: bigint;
  nextXid: bigint;
  generation: string;
  bytes: number;
  /** The position in the scope's history of `entries[0]` (pages are cached by absolute position). */
  offset: number;
  /**
   * Full pages as they first went out, encoded once (every desk of the scope asks for the
   * same pages), by absolute start and size. A page stays good when a request in it changes
   * again: the newer change lies further on, where the desk's pull goes next (the desk keeps
   * the higher version), so it costs bytes, never the copy's truth.
   */
  pages: Map<string, SharedPage>;
  /**
   * Last pages (the tail's end: no more follow), by absolute start and size, good while the
   * tail's entries stay as they are (any change forgets them all): the desks of a scope back
   * after an outage all end on the same one. Each leaves the desk at the horizon it was made
   * at: a position below which everything was delivered, even once the horizon moved on.
   */
  lastPages: Map<string, SharedPage>;
  /** Every change to the tail, one after the other. */
  queue: Promise<unknown>;
  /** The refresh waiting to run: the polls that arrive while another runs share it. */
  refreshing: Promise<boolean> | null;
  usedAt: number;
}

/** A full page served to every desk that asks for it: its items' UTF-8, where it ends. */
export interface SharedPage {
  items: Buffer;
  next: FeedPosition;
}

const scopeKey = (scope: OfficeScope) => `${scope.kind}:${scope.area}`;

/**
 * The feed's fan-out, read once per process (#16): every desk of a province asks for the
 * same changes (after an outage, 150 desks each pulling the same four hours), and reading
 * them from PostgreSQL once per desk is what saturated the service in the herd. A scope's
 * tail mirrors its recent changes in memory; each poll first brings the tail up to date
 * with one read of what changed since its horizon, begun after the poll arrived (the polls
 * that arrive while one runs share the next, so a scope has one read at a time), then takes
 * its page from it. So a poll sees what a read of the database begun after it arrived
 * shows, with no time-to-live; only a full page first served to another desk may hold an
 * older version of a request changed since, whose newer version follows in the same pull.
 * A cursor the tail cannot place (below its floor by more than a page, or ambiguous) reads
 * the database, as before. Nothing here is state: a process without tails answers the same.
 */
export class FeedTails {
  private readonly tails = new Map<string, ScopeTail>();
  private readonly maxRowsPerScope: number;
  private readonly maxBytes: number;
  private readonly maxRead: number;
  private bytes = 0;

  constructor(
    private readonly read: FeedReader,
    options: FeedTailOptions = {},
  ) {
    this.maxRowsPerScope = options.maxRowsPerScope ?? 20_000;
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.maxRead = Math.max(1, options.maxRead ?? 5_000);
  }

  /** A page of the scope's changes after `after` (null: from the start, always read from the database). */
  async page(scope: OfficeScope, after: FeedPosition | null, limit: number): Promise<FeedPage> {
    const position = after ?? { xid: 0n, id: '' };
    /** The page as a poll without tails reads it. */
    const direct = async () => feedPage(position, await this.read(scope, position, limit + 1), limit);
    if (after === null || this.maxRowsPerScope === 0) return direct();
    const key = scopeKey(scope);
    let tail = this.tails.get(key);
    if (!tail) {
      // The first poll of a scope starts its tail from its own cursor when all that lies above
      // it fits in the page it asked for: the read is the one a poll without tails makes.
      const read = await this.read(scope, position, limit + 1);
      // More than a page above it (a first sync), a tail started meanwhile, or a cursor from before a restore (refused).
      if (read.rows.length > limit || this.tails.has(key) || position.xid > read.nextXid) return feedPage(position, read, limit);
      tail = this.start(key, position, read);
    } else if (!(await this.refresh(key, tail))) {
      return direct();
    }
    tail.usedAt = performance.now();
    if (position.xid > tail.nextXid) return { kind: 'refetch' };
    if (!atOrAbove(position, tail.floor)) {
      // Below the floor (a desk that polled earlier than the first one back): the part in
      // between, once, if it fits in the page; if not, what was read is this desk's page.
      const extended = this.entriesFit(tail, limit) && (await this.extend(scope, tail, position, limit));
      if (extended === false) return direct();
      if (extended !== true) return feedPage(position, extended, limit);
    }
    // From here on nothing waits: the tail is read as it is now. Kept within its size since
    // (by this poll's extension or another's refresh), it may no longer reach down to the cursor.
    const from = atOrAbove(position, tail.floor) ? this.firstAfter(tail, position) : null;
    if (from === null) return direct();
    const pageKey = `${tail.offset + from}:${limit}`;
    const cached = tail.pages.get(pageKey);
    if (cached) return { kind: 'page', items: cached.items, next: cached.next, hasMore: true, generation: tail.generation, shared: cached };
    const last = tail.lastPages.get(pageKey);
    if (last && last.next.xid > position.xid)
      return { kind: 'page', items: last.items, next: last.next, hasMore: false, generation: tail.generation, shared: last };
    const rows: Entry[] = [];
    for (let i = from; i < tail.entries.length && rows.length <= limit; i++) if (tail.entries[i]!.live) rows.push(tail.entries[i]!);
    const hasMore = rows.length > limit;
    const delivered = rows.slice(0, limit);
    const page: SharedPage = { items: joined(delivered), next: pageEnd(position, delivered, hasMore, tail.horizon) };
    if (hasMore) return this.keepPage(tail, tail.pages, 32, pageKey, page, true);
    // A last page with changes, which moves the desk on: kept for the next desks from there.
    if (delivered.length > 0 && page.next.xid > position.xid) return this.keepPage(tail, tail.lastPages, 8, pageKey, page, false);
    return { kind: 'page', ...page, hasMore: false, generation: tail.generation };
  }

  /**
   * How much the tails hold (tests, diagnostics): scopes, live changes, the bytes counted
   * as they came and went, and the same recounted from what is held now (always equal).
   */
  size(): { scopes: number; rows: number; bytes: number; recounted: number } {
    let rows = 0;
    let recounted = 0;
    for (const tail of this.tails.values()) {
      rows += tail.live.size;
      for (const entry of tail.live.values()) recounted += entry.bytes.length;
      for (const page of [...tail.pages.values(), ...tail.lastPages.values()]) recounted += page.items.length;
    }
    return { scopes: this.tails.size, rows, bytes: this.bytes, recounted };
  }

  /** Whether a page's worth more of changes fits below the tail (else extending it would only trim it away). */
  private entriesFit(tail: ScopeTail, limit: number): boolean {
    return tail.entries.length + limit + 1 <= this.maxRowsPerScope;
  }

  private start(key: string, floor: FeedPosition, read: FeedRead): ScopeTail {
    const tail: ScopeTail = {
      key,
      floor,
      entries: [],
      live: new Map(),
      horizon: read.horizon,
      nextXid: read.nextXid,
      generation: read.generation,
      bytes: 0,
      offset: 0,
      pages: new Map(),
      lastPages: new Map(),
      queue: Promise.resolve(),
      refreshing: null,
      usedAt: performance.now(),
    };
    this.tails.set(key, tail);
    this.append(tail, read.rows);
    this.fit(tail);
    return tail;
  }

  /**
   * Brings the tail up to date with a read begun after the call (the polls that arrive
   * while one runs share the next); false when the tail was dropped.
   */
  private refresh(key: string, tail: ScopeTail): Promise<boolean> {
    tail.refreshing ??= this.serial(tail, async () => {
      tail.refreshing = null;
      // What changed since the horizon: transactions at or above it have finished since.
      const read = await this.read(this.scopeOf(key), { xid: tail.horizon, id: '' }, this.maxRead + 1);
      // Another history (compacted), a database that went back (a restore), or more than a
      // tail should take at once: forget it; the next poll starts a new one.
      if (
        read.generation !== tail.generation ||
        read.horizon < tail.horizon ||
        read.nextXid < tail.nextXid ||
        read.rows.length > this.maxRead
      ) {
        if (this.tails.get(key) === tail) this.drop(key);
        return false;
      }
      this.append(tail, read.rows);
      tail.horizon = read.horizon;
      tail.nextXid = read.nextXid;
      this.fit(tail);
      return this.tails.get(key) === tail;
    });
    return tail.refreshing;
  }

  /**
   * Reads what lies between `position` and the floor and makes it the tail's bottom (true),
   * if it is at most a page; more than a page: the read (the first rows after the position,
   * the page itself); false if it cannot tell.
   */
  private async extend(scope: OfficeScope, tail: ScopeTail, position: FeedPosition, limit: number): Promise<boolean | FeedRead> {
    // Same transaction, other id: which comes first is the collation's to say (the empty id
    // of a cursor at a transaction's start comes before any).
    if (position.xid === tail.floor.xid && position.id !== '') return false;
    // Read without holding the tail: far-behind desks' reads (most of them their own pages)
    // run side by side, and the refreshes of the desks up to date do not wait behind them.
    const floor = tail.floor;
    const read = await this.read(scope, position, limit + 1, floor);
    if (read.generation !== tail.generation) return false;
    if (read.rows.length > limit) return read;
    return this.serial(tail, async () => {
      if (atOrAbove(position, tail.floor)) return true;
      // The floor moved meanwhile (trimmed up, or extended by another desk): what was read no longer joins it.
      if (tail.floor.xid !== floor.xid || tail.floor.id !== floor.id) return false;
      const below: Entry[] = [];
      for (const row of read.rows) {
        // Moved above the floor since (it is in the tail already, newer): not here any more.
        if (tail.live.has(row.id)) continue;
        const entry = entryOf(row);
        below.push(entry);
        tail.live.set(row.id, entry);
        this.account(tail, entry.bytes.length);
      }
      if (below.length > 0) this.entriesChanged(tail);
      tail.entries = [...below, ...tail.entries];
      tail.offset -= below.length;
      tail.floor = position;
      this.fit(tail);
      return true;
    });
  }

  /** Index of the first entry after `position`, or null if the tail cannot say (an id it does not hold). */
  private firstAfter(tail: ScopeTail, position: FeedPosition): number | null {
    const { entries } = tail;
    // First entry at or above the position's transaction.
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (entries[middle]!.xid < position.xid) low = middle + 1;
      else high = middle;
    }
    if (position.id === '') return low;
    // A page's last row: find it among its transaction's entries, and go on after it.
    for (let i = low; i < entries.length && entries[i]!.xid === position.xid; i++) if (entries[i]!.id === position.id) return i + 1;
    // No entry of that transaction at all: everything from the next one on.
    if (low === entries.length || entries[low]!.xid !== position.xid) return low;
    if (position.xid === tail.floor.xid && position.id === tail.floor.id) return low;
    return null;
  }

  /** Keeps a page (the last `most` of its kind a scope served) and serves it so from now on. */
  private keepPage(
    tail: ScopeTail,
    pages: Map<string, SharedPage>,
    most: number,
    key: string,
    shared: SharedPage,
    hasMore: boolean,
  ): FeedPage {
    if (pages.size >= most) this.forgetPage(tail, pages, pages.keys().next().value!);
    this.forgetPage(tail, pages, key);
    pages.set(key, shared);
    this.account(tail, shared.items.length);
    return { kind: 'page', items: shared.items, next: shared.next, hasMore, generation: tail.generation, shared };
  }

  private forgetPage(tail: ScopeTail, pages: Map<string, SharedPage>, key: string) {
    const page = pages.get(key);
    if (!page) return;
    pages.delete(key);
    this.account(tail, -page.items.length);
  }

  /** The entries changed: the last pages made from them are no longer the tail's end. */
  private entriesChanged(tail: ScopeTail) {
    for (const key of [...tail.lastPages.keys()]) this.forgetPage(tail, tail.lastPages, key);
  }

  private append(tail: ScopeTail, rows: readonly FeedRow[]) {
    if (rows.length > 0) this.entriesChanged(tail);
    for (const row of rows) {
      const before = tail.live.get(row.id);
      if (before) {
        // The older change is superseded: the database no longer has it there.
        before.live = false;
        this.account(tail, -before.bytes.length);
        before.bytes = noBytes;
      }
      const entry = entryOf(row);
      tail.entries.push(entry);
      tail.live.set(row.id, entry);
      this.account(tail, entry.bytes.length);
    }
  }

  /** Keeps a tail within its rows and all tails within their bytes. */
  private fit(tail: ScopeTail) {
    if (tail.entries.length > this.maxRowsPerScope) {
      // Whole transactions go, so the floor is a transaction boundary: (last one gone + 1, '').
      let cut = tail.entries.length - this.maxRowsPerScope;
      while (cut < tail.entries.length && tail.entries[cut]!.xid === tail.entries[cut - 1]!.xid) cut++;
      this.entriesChanged(tail);
      for (const entry of tail.entries.slice(0, cut))
        if (entry.live) {
          tail.live.delete(entry.id);
          this.account(tail, -entry.bytes.length);
        }
      tail.floor = { xid: tail.entries[cut - 1]!.xid + 1n, id: '' };
      tail.entries = tail.entries.slice(cut);
      tail.offset += cut;
      // Pages are kept by absolute start: only those that began below the new bottom go.
      for (const key of [...tail.pages.keys()]) if (Number(key.split(':')[0]) < tail.offset) this.forgetPage(tail, tail.pages, key);
    }
    while (this.bytes > this.maxBytes && this.tails.size > 0) {
      const oldest = [...this.tails.entries()].reduce((a, b) => (b[1].usedAt < a[1].usedAt ? b : a));
      this.drop(oldest[0]);
    }
  }

  /** Counts bytes into the tail, and into the process's total while the tail is the scope's (a dropped one is no one's). */
  private account(tail: ScopeTail, bytes: number) {
    tail.bytes += bytes;
    if (this.tails.get(tail.key) === tail) this.bytes += bytes;
  }

  private drop(key: string) {
    const tail = this.tails.get(key);
    if (!tail) return;
    this.bytes -= tail.bytes;
    this.tails.delete(key);
  }

  private scopeOf(key: string): OfficeScope {
    const [kind, area] = key.split(':') as [OfficeScope['kind'], string];
    return { kind, area, label: '' };
  }

  private serial<T>(tail: ScopeTail, work: () => Promise<T>): Promise<T> {
    const run = tail.queue.then(work, work);
    tail.queue = run.catch(() => undefined);
    return run;
  }
}

/** Whether `position` is at or above `floor` in feed order, comparing ids only for equality. */
function atOrAbove(position: FeedPosition, floor: FeedPosition): boolean {
  if (position.xid !== floor.xid) return position.xid > floor.xid;
  return floor.id === '' || position.id === floor.id;
}

/** The entries' texts as one list's inside: their bytes, comma-separated, in memory of their own (see ownBytes). */
function joined(entries: readonly Entry[]): Buffer {
  let length = Math.max(0, entries.length - 1);
  for (const entry of entries) length += entry.bytes.length;
  const page = Buffer.allocUnsafeSlow(length);
  let at = 0;
  entries.forEach((entry, index) => {
    if (index > 0) at += comma.copy(page, at);
    at += entry.bytes.copy(page, at);
  });
  return page;
}
