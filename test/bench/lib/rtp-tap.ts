// A switchable UDP tap between the synthetic camera and the forwarders: it feeds exactly one
// forwarder at a time, so both forward the same packets and never compete for CPU.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTeardown } from './processes.ts';

const SCRIPT = fileURLToPath(new URL('./rtp-tap-process.ts', import.meta.url));

export class RtpTap {
  #next = 1;
  readonly #waiting = new Map<number, (forwarded: number) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: { count?: number; forwarded?: number }) => {
      if (message.count === undefined) return;
      this.#waiting.get(message.count)?.(message.forwarded ?? 0);
      this.#waiting.delete(message.count);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async open(): Promise<RtpTap> {
    const child = fork(SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const pid = child.pid!;
    onTeardown('rtp tap', () => void child.kill(), () => process.kill(pid, 'SIGKILL'));
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port: number }) => resolve(message.port));
      child.once('exit', (code) => reject(new Error(`rtp tap exited (${code})`)));
    });
    return new RtpTap(child, port);
  }

  route(target: { host: string; port: number } | null): void {
    this.child.send({ route: target });
  }

  /** RTP packets (not RTCP) forwarded so far: what every receiver should get. */
  forwarded(): Promise<number> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.child.send({ count: id });
    });
  }
}
