import type { Handler } from './context.ts';

export const ping: Handler<'ping'> = async () => ({ serverTime: Date.now() });
