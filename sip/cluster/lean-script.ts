import { createHash } from 'node:crypto';
import { RedisReplyError, type Reply } from '../../rating/funds/resp';
import type { ScriptPipe } from '../../rating/funds/script-pipe';

// A Lua script run over a ScriptPipe (rating/funds/script-pipe.ts, the funds scripts' lean connection):
// EVALSHA, and EVAL once when Redis does not know it (a restart, a new server). The call path's cluster
// state (slots, dialog records) goes this way on a plain standalone Redis: ioredis spends 2-3 times the
// Node CPU per command.

export type LeanScript = (keys: readonly string[], args: readonly string[]) => Promise<Reply>;

export function leanScript(pipe: ScriptPipe, lua: string): LeanScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (keys, args) => {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await pipe.send(['EVALSHA', sha, ...tail]);
    } catch (error) {
      if (!(error instanceof RedisReplyError) || !error.message.startsWith('NOSCRIPT')) throw error;
      return pipe.send(['EVAL', lua, ...tail]);
    }
  };
}
