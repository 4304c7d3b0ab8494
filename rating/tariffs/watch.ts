// Keeps a TariffStore current across instances: importDeck NOTIFYs `solde_tariffs` on commit, and every
// instance that watches reloads its index. A lost connection is re-established (bounded attempts), with a
// reload on reconnect since notifications sent meanwhile were lost.
import type { Pool, PoolClient } from '../db/pool';
import { DECK_CHANNEL } from './import';

export interface DeckWatch {
  stop(): Promise<void>;
}

const RECONNECT_DELAY_MS = 1_000;
const MAX_RECONNECTS = 300;

export async function watchDeck(pool: Pool, reload: () => Promise<unknown>, onError: (error: Error) => void): Promise<DeckWatch> {
  let client: PoolClient | undefined;
  let stopped = false;
  let reconnects = 0;
  const released = new WeakSet<PoolClient>();
  const safeReload = (): void => {
    reload().catch((error: Error) => onError(error));
  };

  const connect = async (): Promise<void> => {
    const next = await pool.connect();
    next.on('notification', (message) => {
      if (message.channel === DECK_CHANNEL) safeReload();
    });
    // A client emits 'error' more than once when its connection dies (the error, then the end), and may
    // emit it after stop() released it: it is released once, and only a live watch reconnects.
    next.on('error', (error) => {
      if (released.has(next)) return;
      released.add(next);
      onError(error);
      next.release(error);
      if (client === next) client = undefined;
      scheduleReconnect();
    });
    await next.query(`LISTEN ${DECK_CHANNEL}`);
    client = next;
    reconnects = 0;
  };

  const scheduleReconnect = (): void => {
    if (stopped) return;
    reconnects += 1;
    if (reconnects > MAX_RECONNECTS) {
      onError(new Error(`tariff deck watch gave up after ${MAX_RECONNECTS} reconnects: restart to pick up new decks`));
      return;
    }
    setTimeout(() => {
      if (stopped) return;
      connect().then(safeReload, (error: Error) => {
        onError(error);
        scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS).unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      const current = client;
      client = undefined;
      if (!current) return;
      await current.query(`UNLISTEN ${DECK_CHANNEL}`).catch(() => undefined);
      if (released.has(current)) return;
      released.add(current);
      current.release();
    },
  };
}
