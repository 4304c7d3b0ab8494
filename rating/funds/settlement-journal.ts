// The last resort of a settle: when neither Redis nor Postgres takes a call's final debit, it is appended to
// a local file, fsync'd before the settle answers, and kept until Postgres or Redis takes it
// (settlements.ts retries). One JSON line per change: {"t":"add","s":{...}} or {"t":"done","k":key}.
// A restarted process folds the file back into the list it had (replay) and rewrites it with only what is
// still pending (write, fsync, rename, fsync the folder: a crash leaves the old file or the new one whole).
// A torn last line (a crash mid-append, before the fsync returned: that settle never answered ok) is
// skipped. One state folder per process: two processes appending to one file would replay each other's.
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/log';
import { parseMicros, type Micros } from '../money';

/** A settle that Redis and the ledger did not take yet: what settle.lua and the ledger need to run it again. */
export interface PendingSettle {
  readonly accountId: string;
  readonly callId: string;
  readonly finalMicros: Micros;
  /** `call:<id>:final`: the same key through Redis and the ledger, so it is charged once. */
  readonly idempotencyKey: string;
  /** The Redis queue payload (QueuedPayload JSON). */
  readonly payload: string;
  /** When the call ended (the settle was first asked). */
  readonly atMs: number;
}

export const JOURNAL_FILE = 'settlements.journal';
/** Bound of the journal: past it a settle answers 'unavailable' (logged), as it did before the journal. */
export const MAX_JOURNAL_ENTRIES = 10_000;
/** Lines before the file is rewritten with only the live entries. */
const COMPACT_AFTER_LINES = 20_000;

type Line = { t: 'add'; s: StoredSettle } | { t: 'done'; k: string };
type StoredSettle = Omit<PendingSettle, 'finalMicros'> & { finalMicros: string };

/** What a journal file holds, without changing it (the CLI reads it while the server runs). */
export async function readJournal(dir: string): Promise<{ entries: PendingSettle[]; tornLines: number; found: boolean }> {
  let text: string;
  try {
    text = await readFile(join(dir, JOURNAL_FILE), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return { entries: [], tornLines: 0, found: false };
    throw error;
  }
  const live = new Map<string, PendingSettle>();
  let torn = 0;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const line = parseLine(raw);
    if (!line) torn += 1;
    else if (line.t === 'add') live.set(line.s.idempotencyKey, { ...line.s, finalMicros: parseMicros(line.s.finalMicros) });
    else live.delete(line.k);
  }
  return { entries: [...live.values()], tornLines: torn, found: true };
}

function parseLine(raw: string): Line | undefined {
  try {
    const line = JSON.parse(raw) as Line;
    if (line.t === 'add' && typeof line.s?.idempotencyKey === 'string' && typeof line.s.finalMicros === 'string') return line;
    if (line.t === 'done' && typeof line.k === 'string') return line;
  } catch {
    // a torn line: counted by the caller
  }
  return undefined;
}

export class SettlementJournal {
  private readonly live = new Map<string, PendingSettle>();
  private handle: FileHandle | undefined;
  private opened: Promise<void> | undefined;
  /** Appends run one after another: lines never interleave, and each settle waits for its own fsync. */
  private chain: Promise<unknown> = Promise.resolve();
  private lines = 0;

  constructor(private readonly dir: string, private readonly log: Logger) {}

  get path(): string {
    return join(this.dir, JOURNAL_FILE);
  }

  get size(): number {
    return this.live.size;
  }

  /** Replays the file (once): what a previous run left pending is pending again. */
  async entries(): Promise<PendingSettle[]> {
    await this.open();
    return [...this.live.values()];
  }

  /** Durable once it resolves true; false when full or the disk refused (the caller answers 'unavailable'). */
  async add(s: PendingSettle): Promise<boolean> {
    await this.open();
    if (this.live.has(s.idempotencyKey)) return true; // a repeated settle: already kept
    if (this.live.size >= MAX_JOURNAL_ENTRIES) {
      this.log.error({ accountId: s.accountId, callId: s.callId, entries: this.live.size }, 'settlement journal full: call not settled');
      return false;
    }
    const stored: StoredSettle = { ...s, finalMicros: String(s.finalMicros) };
    // Live once the file exists and before the line is written (in the same turn of the chain), so that a
    // rewrite running next keeps it and the first one, which creates the file, does not write it twice.
    const written = await this.append({ t: 'add', s: stored }, () => this.live.set(s.idempotencyKey, s));
    if (!written) this.live.delete(s.idempotencyKey);
    return written;
  }

  /** The settle was taken by Redis or the ledger: forget it. */
  async done(idempotencyKey: string): Promise<void> {
    await this.open();
    if (!this.live.has(idempotencyKey)) return;
    this.live.delete(idempotencyKey);
    // If this line is lost, the replay runs the settle once more: idempotent, so harmless.
    await this.append({ t: 'done', k: idempotencyKey });
    if (this.lines > COMPACT_AFTER_LINES) await this.serial(() => this.rewrite());
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = undefined;
  }

  private open(): Promise<void> {
    this.opened ??= this.load();
    return this.opened;
  }

  private async load(): Promise<void> {
    const { entries, tornLines, found } = await readJournal(this.dir);
    if (tornLines > 0) this.log.warn({ path: this.path, tornLines }, 'settlement journal: skipped torn lines (a crash mid-write)');
    for (const e of entries.slice(0, MAX_JOURNAL_ENTRIES)) this.live.set(e.idempotencyKey, e);
    if (entries.length > 0) this.log.warn({ path: this.path, pending: entries.length }, 'settlement journal replayed: settles left by the previous run are retried');
    if (found) await this.rewrite(); // else the folder and file are made by the first append
  }

  private async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.rewrite();
  }

  /** Writes only the live entries to a new file and swaps it in. */
  private async rewrite(): Promise<void> {
    await this.handle?.close();
    const next = `${this.path}.new`;
    const fresh = await open(next, 'w');
    try {
      const text = [...this.live.values()].map((s) => `${JSON.stringify({ t: 'add', s: { ...s, finalMicros: String(s.finalMicros) } })}\n`).join('');
      await fresh.writeFile(text);
      await fresh.sync();
    } finally {
      await fresh.close();
    }
    await rename(next, this.path);
    const folder = await open(this.dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    this.handle = await open(this.path, 'a');
    this.lines = this.live.size;
  }

  private append(line: Line, beforeWrite?: () => void): Promise<boolean> {
    return this.serial(async () => {
      try {
        if (!this.handle) await this.create();
        beforeWrite?.();
        await this.handle!.appendFile(`${JSON.stringify(line)}\n`);
        await this.handle!.sync();
        this.lines += 1;
        return true;
      } catch (error) {
        this.log.error({ err: error, path: this.path }, 'settlement journal not written');
        return false;
      }
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
