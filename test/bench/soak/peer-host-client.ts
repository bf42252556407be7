// The soak's side of the peer host: forks it (with tsx, like the relay) and turns its IPC
// messages into promises. The host is stopped at teardown.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTeardown } from '../lib/processes.ts';
import type { HostReply, HostRequest, ViewerStats } from './soak-protocol.ts';

type Request = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'id'> : never) : never;

export interface PeerHost {
  pid: number;
  request(request: Request): Promise<HostReply>;
  publish(key: string, url: string, credential: string): Promise<void>;
  view(key: string, url: string, credential: string): Promise<void>;
  leave(key: string, deleteResource: boolean): Promise<ViewerStats | null>;
  stats(): Promise<ViewerStats[]>;
}

export function startPeerHost(): PeerHost {
  const child = fork(fileURLToPath(new URL('./peer-host.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (reply: HostReply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  child.on('message', (reply: HostReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiting) return;
    if (reply.op === 'failed') waiting.reject(new Error(reply.error));
    else waiting.resolve(reply);
  });
  child.once('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`the peer host exited (${code})`));
    pending.clear();
  });
  onTeardown('soak peer host', async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const request = (message: Request) =>
    new Promise<HostReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });
  return {
    pid: child.pid!,
    request,
    publish: async (key, url, credential) => void (await request({ op: 'publish', key, url, credential })),
    view: async (key, url, credential) => void (await request({ op: 'view', key, url, credential })),
    leave: async (key, deleteResource) => {
      const reply = await request({ op: 'leave', key, deleteResource });
      return reply.op === 'left' ? reply.stats : null;
    },
    stats: async () => {
      const reply = await request({ op: 'stats' });
      return reply.op === 'stats' ? reply.viewers : [];
    },
  };
}
