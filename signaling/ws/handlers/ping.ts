import type { SignalingConnection } from '../connection.ts';
import type { Handler } from './context.ts';

/** A live officer's heartbeat pings count as activity on their session, at most once a minute. */
const TOUCH_EVERY_MS = 60_000;
const touchedAt = new WeakMap<SignalingConnection, number>();

export const ping: Handler<'ping'> = async (connection) => {
  const now = Date.now();
  if (connection.session && connection.incident && now - (touchedAt.get(connection) ?? 0) > TOUCH_EVERY_MS) {
    touchedAt.set(connection, now);
    await connection.deps.sessions.touch(connection.session.token).catch(() => undefined);
  }
  return { serverTime: now };
};
