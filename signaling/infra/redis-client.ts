// The one way the relay connects to Redis (the shared store and bus, node links, the audit chain,
// the incident history), and the one way it lets go. Infrastructure: imports nothing of the features.
import { createClient } from 'redis';

export interface RedisConnectOptions {
  /**
   * Commands fail at once while Redis is unreachable, and time out after this long, instead of
   * waiting in the offline queue until it is back (what the audit chain needs: an append that
   * cannot complete fails promptly, and access is refused). Without it commands queue.
   */
  failFastTimeoutMs?: number;
  /** Connection errors; without a listener they surface only through failing commands. */
  onError?: (error: Error) => void;
}

function newClient(url: string, failFastTimeoutMs: number | undefined, isConnected: () => boolean) {
  if (failFastTimeoutMs === undefined) return createClient({ url });
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: failFastTimeoutMs },
    socket: {
      connectTimeout: 5000,
      // Before the first connection: a few tries, then fail (startup refuses). After: forever.
      reconnectStrategy: (retries: number, cause: Error) => (isConnected() || retries < 5 ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/**
 * A command's answer, or a rejection after `ms`. The client's own timeout covers only the wait to
 * be sent: a command already sent to a Redis that stopped answering (a cut network, a frozen
 * process) would wait for ever. The command may still be carried out once Redis answers again;
 * writes that matter are compare-and-set (the audit chain's head), so a late one is an extra,
 * never a lost or a forked, record.
 */
export function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([operation, late]).finally(() => clearTimeout(timer));
}

/** A connected client; it keeps reconnecting in the background after a lost connection. */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<RedisClient> {
  let connected = false;
  const client = newClient(url, options.failFastTimeoutMs, () => connected);
  client.on('error', (error: Error) => options.onError?.(error));
  await client.connect();
  connected = true;
  return client;
}

/**
 * Closes a client without waiting on a server that is not there: a client that is not ready
 * (Redis down, or still reconnecting after a restart) would queue its QUIT until it reconnects,
 * so it is dropped at once; a ready one quits politely, and is dropped if that takes over a second.
 */
export async function closeRedisClient(client: { isOpen: boolean; isReady: boolean; quit(): Promise<unknown>; destroy(): void }): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 1000);
  });
  const outcome = await Promise.race([client.quit().then(() => 'quit' as const, () => 'failed' as const), late]);
  clearTimeout(timer);
  if (outcome !== 'quit' && client.isOpen) client.destroy();
}
