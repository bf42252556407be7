// Private network namespaces joined to the host by veth pairs, for test peers that must not
// share the host's loopback: libnice peers (simple-whip-client), which ignore loopback, and a
// browser whose network a test cuts. With `router`, the peer sits behind a second namespace that
// forwards between two links (peer ↔ router ↔ host), so that cutting the router↔host link
// (`ip link set <host end> down`) drops the peer's path while its own interface stays up with
// carrier, as when a phone's radio path is lost upstream. Without it, `cut()` takes down the
// host's end of the peer's only link. `impair()` makes the router's links lossy and slow, as a
// cellular uplink is (nftables loss and tbf rate: this kernel has no netem). Names and /30s are
// random per run; everything is removed by `close()`, and by an exit hook if the test process
// dies first. Needs root.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from './browser.ts';

export interface TestNamespace {
  name: string;
  /** The host's end of the link: where the relay listens for the namespace's peers. */
  hostIp: string;
  /** The peer's own address (it changes with `renumber()`). */
  peerIp: string;
  /** argv prefix that runs a command inside the peer's namespace. */
  exec: string[];
  /** Cuts the host's link (true: `ip link set <host end> down`) or restores it (false). */
  cut(down: boolean): void;
  /**
   * With `router`: moves the peer to another address on its link, as a phone switching networks
   * gets a new address (its old ICE candidates and TCP connections are dead). Returns the new one.
   */
  renumber(): string;
  /**
   * With `router`: impairs both of the router's links as a cellular uplink would. `lossPercent`
   * drops that share of the UDP packets the router forwards, either way (nftables); `rateKbit`
   * limits each link's rate with a queue (tbf). The kernel here has no netem. Called again, it
   * replaces the impairment; `{}` removes it. `towardPeerOnly` drops only packets on their way to
   * the peer; `dropPeerNacks` drops every RTCP generic NACK the peer sends on a packet of its own
   * (SRTCP leaves the first header in the clear: V=2, FMT 1, PT 205), as an uplink that loses them.
   */
  impair(options: Impairment): void;
  /** A Chromium launcher script that runs the browser inside the peer's namespace. */
  chromiumLauncher(): Promise<string>;
  close(): Promise<void>;
}

export interface Impairment {
  lossPercent?: number;
  rateKbit?: number;
  towardPeerOnly?: boolean;
  dropPeerNacks?: boolean;
}

const run = (argv: string[]) => execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const ip = (...args: string[]) => run(['ip', ...args]);

function unusedSubnets(count: number): Array<{ a: string; b: string }> {
  const used = ip('-4', '-o', 'addr', 'show');
  const found: Array<{ a: string; b: string }> = [];
  for (let i = 0; i < 200 && found.length < count; i++) {
    const [x, y] = randomBytes(2);
    const prefix = `10.${200 + (x! % 50)}.${y!}.`;
    if (!used.includes(prefix) && !found.some((f) => f.a.startsWith(prefix))) found.push({ a: `${prefix}1`, b: `${prefix}2` });
  }
  if (found.length < count) throw new Error('no unused 10.x /30 for the test namespace');
  return found;
}

/**
 * The token bucket of a shaped link: 20 ms of its rate, at least two full packets. A radio link
 * passes no more than its rate for long; a bucket of many kilobytes would let a sender's short
 * probes through at line rate and make a 300 kbit/s link look like megabits.
 */
export const burstBytes = (rateKbit: number): number => Math.max(3000, Math.round((rateKbit * 1000) / 8 / 50));

export async function createNamespace(options: { router?: boolean } = {}): Promise<TestNamespace> {
  if (process.getuid?.() !== 0) throw new Error('a network namespace needs root');
  const tag = randomBytes(3).toString('hex');
  const peerNs = `sightline-${tag}`;
  const routerNs = options.router ? `sightline-${tag}-r` : null;
  const hostIf = `sl${tag}h`;
  const peerIf = `sl${tag}n`;
  const [hostLink, peerLink] = unusedSubnets(2);
  const hostIp = hostLink!.a;
  let peerIp = routerNs ? peerLink!.b : hostLink!.b;
  const inNs = (ns: string, ...args: string[]) => ip('netns', 'exec', ns, 'ip', ...args);
  let dir: string | null = null;

  const remove = () => {
    for (const args of [['netns', 'del', peerNs], ...(routerNs ? [['netns', 'del', routerNs]] : []), ['link', 'del', hostIf]]) {
      try {
        ip(...args);
      } catch {
        // Already gone (deleting a namespace removes its pairs).
      }
    }
  };
  const onExit = () => remove();
  process.once('exit', onExit);

  // Static ARP on every link: the links stand for a path across the internet, where the relay
  // never ARPs a phone. Without it, a neighbour entry left FAILED by a cut adds up to a second
  // of kernel ARP retries to the measured recovery. Taking a link down flushes these entries.
  const macOf = (argv: string[]) => /link\/ether ([0-9a-f:]{17})/.exec(run(argv))?.[1] ?? '';
  const links: Array<{ aNs: string | null; aIf: string; aIp: string; bNs: string; bIf: string; bIp: string }> = [];
  const pin = () => {
    for (const l of links) {
      const aMac = macOf(l.aNs ? ['ip', 'netns', 'exec', l.aNs, 'ip', '-o', 'link', 'show', 'dev', l.aIf] : ['ip', '-o', 'link', 'show', 'dev', l.aIf]);
      const bMac = macOf(['ip', 'netns', 'exec', l.bNs, 'ip', '-o', 'link', 'show', 'dev', l.bIf]);
      if (l.aNs) inNs(l.aNs, 'neigh', 'replace', l.bIp, 'lladdr', bMac, 'dev', l.aIf, 'nud', 'permanent');
      else ip('neigh', 'replace', l.bIp, 'lladdr', bMac, 'dev', l.aIf, 'nud', 'permanent');
      inNs(l.bNs, 'neigh', 'replace', l.aIp, 'lladdr', aMac, 'dev', l.bIf, 'nud', 'permanent');
    }
  };

  try {
    ip('netns', 'add', peerNs);
    inNs(peerNs, 'link', 'set', 'lo', 'up');
    const firstNs = routerNs ?? peerNs;
    const firstIf = routerNs ? `sl${tag}r` : peerIf;
    if (routerNs) {
      ip('netns', 'add', routerNs);
      inNs(routerNs, 'link', 'set', 'lo', 'up');
    }
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', firstIf);
    ip('link', 'set', firstIf, 'netns', firstNs);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    inNs(firstNs, 'addr', 'add', `${hostLink!.b}/30`, 'dev', firstIf);
    inNs(firstNs, 'link', 'set', firstIf, 'up');
    links.push({ aNs: null, aIf: hostIf, aIp: hostIp, bNs: firstNs, bIf: firstIf, bIp: hostLink!.b });
    if (routerNs) {
      const routerPeerIf = `sl${tag}s`;
      ip('link', 'add', routerPeerIf, 'netns', routerNs, 'type', 'veth', 'peer', 'name', peerIf, 'netns', peerNs);
      // A /29 on this link, so that the peer can move to another address (renumber).
      inNs(routerNs, 'addr', 'add', `${peerLink!.a}/29`, 'dev', routerPeerIf);
      inNs(routerNs, 'link', 'set', routerPeerIf, 'up');
      inNs(peerNs, 'addr', 'add', `${peerIp}/29`, 'dev', peerIf);
      inNs(peerNs, 'link', 'set', peerIf, 'up');
      inNs(peerNs, 'route', 'add', 'default', 'via', peerLink!.a);
      run(['ip', 'netns', 'exec', routerNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
      ip('route', 'add', `${peerLink!.a.replace(/\d+$/, '0')}/29`, 'via', hostLink!.b, 'dev', hostIf);
      links.push({ aNs: routerNs, aIf: routerPeerIf, aIp: peerLink!.a, bNs: peerNs, bIf: peerIf, bIp: peerIp });
    }
    pin();
  } catch (error) {
    remove();
    process.off('exit', onExit);
    throw error;
  }
  return {
    name: peerNs,
    hostIp,
    get peerIp() {
      return peerIp;
    },
    exec: ['ip', 'netns', 'exec', peerNs],
    cut(down) {
      ip('link', 'set', hostIf, down ? 'down' : 'up');
      if (!down) {
        // Bringing the link up again does not restore the routes through it.
        if (routerNs) ip('route', 'replace', `${peerLink!.a.replace(/\d+$/, '0')}/29`, 'via', hostLink!.b, 'dev', hostIf);
        pin();
      }
    },
    renumber() {
      if (!routerNs) throw new Error('renumber() needs a namespace created with { router: true }');
      const link = links[1]!;
      const next = peerIp.endsWith('.2') ? peerIp.replace(/\.2$/, '.3') : peerIp.replace(/\.\d+$/, '.2');
      // Old address first: deleting a primary address also deletes the secondaries of its subnet.
      inNs(peerNs, 'addr', 'del', `${peerIp}/29`, 'dev', peerIf);
      inNs(peerNs, 'addr', 'add', `${next}/29`, 'dev', peerIf);
      inNs(peerNs, 'route', 'replace', 'default', 'via', peerLink!.a);
      try {
        inNs(routerNs, 'neigh', 'del', peerIp, 'dev', link.aIf);
      } catch {
        // Not there.
      }
      peerIp = next;
      link.bIp = next;
      pin();
      return next;
    },
    impair({ lossPercent = 0, rateKbit = 0, towardPeerOnly = false, dropPeerNacks = false }) {
      if (!routerNs) throw new Error('impair() needs a namespace created with { router: true }');
      const inRouter = (...argv: string[]) => run(['ip', 'netns', 'exec', routerNs, ...argv]);
      const peerSide = `sl${tag}s`;
      inRouter('nft', 'flush', 'ruleset');
      const rules: string[][] = [];
      if (dropPeerNacks) rules.push(['iifname', peerSide, 'meta', 'l4proto', 'udp', '@th,64,16', '0x81cd', 'drop']);
      if (lossPercent > 0) {
        rules.push([...(towardPeerOnly ? ['oifname', peerSide] : []), 'meta', 'l4proto', 'udp', 'numgen', 'random', 'mod', '100', '<', String(lossPercent), 'drop']);
      }
      if (rules.length > 0) {
        inRouter('nft', 'add', 'table', 'inet', 'impair');
        inRouter('nft', 'add', 'chain', 'inet', 'impair', 'forwarded', '{ type filter hook forward priority 0; }');
        for (const rule of rules) inRouter('nft', 'add', 'rule', 'inet', 'impair', 'forwarded', ...rule);
      }
      for (const link of [`sl${tag}r`, `sl${tag}s`]) {
        try {
          inRouter('tc', 'qdisc', 'del', 'dev', link, 'root');
        } catch {
          // No qdisc of ours on it.
        }
        if (rateKbit > 0) inRouter('tc', 'qdisc', 'add', 'dev', link, 'root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', String(burstBytes(rateKbit)), 'latency', '150ms');
      }
    },
    async chromiumLauncher() {
      dir ??= await mkdtemp(join(tmpdir(), 'sightline-netns-'));
      const path = join(dir, 'chromium-in-namespace');
      await writeFile(path, `#!/bin/sh\nexec ip netns exec ${peerNs} ${CHROMIUM_PATH} "$@"\n`);
      await chmod(path, 0o755);
      return path;
    },
    async close() {
      remove();
      process.off('exit', onExit);
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
