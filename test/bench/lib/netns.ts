// A private network namespace joined to the host by a veth pair, for peers built on libnice
// (Janus), which ignore loopback when they gather ICE candidates. Needs root; removed at teardown.
import { execFileSync } from 'node:child_process';
import { onTeardown } from './processes.ts';

export interface VethNamespace {
  name: string;
  /** The host's end of the pair. */
  hostIp: string;
  /** The namespace's end of the pair: where the peer listens. */
  peerIp: string;
  /** Prefix that runs a command inside the namespace. */
  exec: string[];
  close(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function createVethNamespace(): VethNamespace {
  if (process.getuid?.() !== 0) throw new Error('a network namespace needs root');
  // Names and the /30 derive from the pid so that concurrent runs do not collide.
  const tag = process.pid % 100_000;
  const name = `slbench${tag}`;
  const hostIf = `slb${tag}h`;
  const peerIf = `slb${tag}p`;
  const octet = (process.pid % 63) * 4;
  const hostIp = `10.250.${Math.floor(process.pid / 63) % 250}.${octet + 1}`;
  const peerIp = `10.250.${Math.floor(process.pid / 63) % 250}.${octet + 2}`;
  const remove = () => {
    try {
      ip('netns', 'del', name);
    } catch {
      // Already gone.
    }
    try {
      ip('link', 'del', hostIf);
    } catch {
      // Deleting the namespace removed the pair.
    }
  };
  remove();
  const close = onTeardown(`netns ${name}`, remove, remove);
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', peerIf);
    ip('link', 'set', peerIf, 'netns', name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${peerIp}/30`, 'dev', peerIf);
    ip('netns', 'exec', name, 'ip', 'link', 'set', peerIf, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    void close();
    throw error;
  }
  return { name, hostIp, peerIp, exec: ['ip', 'netns', 'exec', name], close };
}
