// The funds engine's lean Redis connection (rating/funds/script-pipe.ts) and its RESP codec, against the
// real Redis: replies in order under pipelining, error replies, the handshake (SELECT, AUTH), and the
// failures the call path must turn into 'unavailable' at once: Redis absent, silent, or dropping us.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRedis, TEST_REDIS_URL, type TestRedis } from './support/redis';
import { encodeCommand, RedisReplyError, ReplyParser, type Reply } from '../rating/funds/resp';
import { PipeUnavailableError, ScriptPipe, type PipeOptions } from '../rating/funds/script-pipe';

const url = new URL(TEST_REDIS_URL);
const HERE: PipeOptions = { host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0), commandTimeoutMs: 1_000 };
const LIBRARY = `solde_pipe_test_${process.pid}`;
const ECHO = `${LIBRARY}_echo`;

let r: TestRedis;
const opened: ScriptPipe[] = [];
const pipe = (o: Partial<PipeOptions> = {}): ScriptPipe => {
  const p = new ScriptPipe({ ...HERE, ...o });
  opened.push(p);
  return p;
};

beforeAll(async () => {
  r = await createTestRedis();
  await r.redis.call('FUNCTION', 'LOAD', 'REPLACE', `#!lua name=${LIBRARY}
redis.register_function('${ECHO}', function(KEYS, ARGV) return {'ok', tonumber(ARGV[1]), ARGV[2], false} end)`);
});
afterAll(async () => {
  for (const p of opened) p.close();
  await r.redis.call('FUNCTION', 'DELETE', LIBRARY).catch(() => undefined);
  await r.cleanup();
});

function parseAll(bytes: Buffer, chunkSize: number): Reply[] {
  const parser = new ReplyParser();
  const replies: Reply[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) parser.feed(bytes.subarray(i, i + chunkSize), (reply) => replies.push(reply));
  return replies;
}

describe('RESP codec', () => {
  const wire = Buffer.from('+OK\r\n-ERR Function not found\r\n:-42\r\n$4\r\nhé!\r\n$-1\r\n*3\r\n$2\r\nok\r\n:7\r\n*1\r\n$0\r\n\r\n*-1\r\n');
  const expected = ['OK', new RedisReplyError('ERR Function not found'), -42, 'hé!', null, ['ok', 7, ['']], null];

  it('parses every reply type, whatever the chunks the socket cuts them into', () => {
    for (const size of [1, 2, 3, 7, wire.length]) {
      const replies = parseAll(wire, size);
      expect(replies).toEqual(expected);
      expect(replies[1]).toBeInstanceOf(RedisReplyError);
    }
  });

  it('refuses bytes that are not RESP', () => {
    expect(() => parseAll(Buffer.from('?what\r\n'), 100)).toThrow(/not a RESP reply/);
    expect(() => parseAll(Buffer.from('*x\r\n'), 100)).toThrow(/not a RESP length/);
  });

  it('counts bulk lengths in bytes, not characters', () => {
    expect(encodeCommand(['SET', 'clé', 'Côte d’Ivoire'])).toBe('*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$16\r\nCôte d’Ivoire\r\n');
  });
});

describe('ScriptPipe', () => {
  it('answers thousands of pipelined calls each with its own reply, and an error reply to its call only', async () => {
    const p = pipe();
    const calls = Array.from({ length: 5_000 }, (_, i) => p.send(['FCALL', ECHO, '0', String(i), `text-${i}`]));
    const missing = p.send(['FCALL', `${LIBRARY}_absent`, '0']);
    const after = p.send(['FCALL', ECHO, '0', '-1', 'after']);
    const replies = await Promise.all(calls);
    replies.forEach((reply, i) => expect(reply).toEqual(['ok', i, `text-${i}`, null]));
    await expect(missing).rejects.toThrow(/Function not found/);
    await expect(missing).rejects.toBeInstanceOf(RedisReplyError);
    expect(await after).toEqual(['ok', -1, 'after', null]);
  });

  it('selects the database of its URL before any call', async () => {
    const key = `${r.prefix}db`;
    await pipe({ db: 3 }).send(['SET', key, 'three']);
    const db3 = r.redis.duplicate({ db: 3 });
    expect(await db3.get(key)).toBe('three');
    await db3.del(key);
    db3.disconnect();
    expect(await r.redis.get(key)).toBeNull();
  });

  it('fails every call when the hand-shake is refused (a password this Redis does not have)', async () => {
    const p = pipe({ password: 'not-the-password' });
    await expect(p.send(['PING'])).rejects.toBeInstanceOf(PipeUnavailableError);
  });

  it('fails at once when Redis cannot be reached', async () => {
    const p = pipe({ host: '127.0.0.1', port: 1 });
    await expect(p.send(['PING'])).rejects.toBeInstanceOf(PipeUnavailableError);
    await expect(p.send(['PING'])).rejects.toBeInstanceOf(PipeUnavailableError);
  });

  it('gives up on a Redis that accepts and never answers, after its command timeout', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const p = pipe({ host: '127.0.0.1', port: (silent.address() as { port: number }).port, commandTimeoutMs: 150 });
    const started = Date.now();
    await expect(p.send(['PING'])).rejects.toThrow(/no answer in 150 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    p.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails the calls of a dropped connection, refuses new ones while down, and reconnects by itself', async () => {
    const p = pipe();
    const id = await p.send(['CLIENT', 'ID']);
    // Caught at once: the pipe may fail the call before the KILL's own reply comes back.
    const blocked = p.send(['BLPOP', `${r.prefix}never`, '5']).then(() => undefined, (error: unknown) => error);
    await r.redis.call('CLIENT', 'KILL', 'ID', String(id));
    // The kernel reports the kill as a plain close or as a reset, whichever it sees first: the call fails
    // as unavailable either way, naming the reason.
    const dropped = await blocked;
    expect(dropped).toBeInstanceOf(PipeUnavailableError);
    expect((dropped as Error).message).toMatch(/^Redis 127\.0\.0\.1:\d+: (connection lost|read ECONNRESET)$/);
    await expect(p.send(['PING'])).rejects.toBeInstanceOf(PipeUnavailableError);
    let pong: Reply | undefined;
    for (let attempt = 0; attempt < 50 && pong === undefined; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pong = await p.send(['PING']).catch(() => undefined);
    }
    expect(pong).toBe('PONG');
    expect(p.ready).toBe(true);
  });

  it('after close(), fails what waits and refuses what comes', async () => {
    const p = pipe();
    await p.send(['PING']);
    const waiting = p.send(['BLPOP', `${r.prefix}never`, '5']);
    p.close();
    await expect(waiting).rejects.toThrow(/connection closed/);
    await expect(p.send(['PING'])).rejects.toBeInstanceOf(PipeUnavailableError);
  });
});
