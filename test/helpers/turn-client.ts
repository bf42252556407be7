// A minimal TURN client (RFC 8656 Allocate with long-term credentials, over UDP or TCP, and
// CreatePermission), enough to ask a real coturn whether it accepts a credential, a relayed
// transport and a peer: success gives the relayed address; refusal gives the STUN error code
// (401 Unauthorized for a bad or expired TURN REST credential, 403 Forbidden for a denied peer,
// 442 Unsupported Transport Protocol for a refused TCP relay).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import { crc32 } from 'node:zlib';

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const REFRESH = 0x0004;
const CREATE_PERMISSION = 0x0008;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  REQUESTED_TRANSPORT: 0x0019,
  FINGERPRINT: 0x8028,
} as const;

type Attribute = [type: number, value: Buffer];

function encode(method: number, transactionId: Buffer, attributes: Attribute[], key?: Buffer): Buffer {
  const body = (list: Attribute[]) =>
    Buffer.concat(
      list.map(([type, value]) => {
        const header = Buffer.alloc(4);
        header.writeUInt16BE(type, 0);
        header.writeUInt16BE(value.length, 2);
        return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
      }),
    );
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(method, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC, 4);
    transactionId.copy(h, 8);
    return h;
  };
  let attrs = body(attributes);
  if (key) {
    const integrity = createHmac('sha1', key).update(Buffer.concat([header(attrs.length + 24), attrs])).digest();
    attrs = Buffer.concat([attrs, body([[ATTR.MESSAGE_INTEGRITY, integrity]])]);
  }
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE((crc32(Buffer.concat([header(attrs.length + 8), attrs])) ^ 0x5354554e) >>> 0);
  attrs = Buffer.concat([attrs, body([[ATTR.FINGERPRINT, fingerprint]])]);
  return Buffer.concat([header(attrs.length), attrs]);
}

interface Decoded {
  type: number;
  transactionId: Buffer;
  attributes: Map<number, Buffer>;
}

function decode(message: Buffer): Decoded {
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  while (offset + 4 <= message.length) {
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    attributes.set(type, message.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: message.readUInt16BE(0), transactionId: message.subarray(8, 20), attributes };
}

function errorCode(decoded: Decoded): { code: number; reason: string } | null {
  const value = decoded.attributes.get(ATTR.ERROR_CODE);
  if (!value) return null;
  return { code: (value[2]! & 0x7) * 100 + value[3]!, reason: value.subarray(4).toString('utf8') };
}

function xorAddress(value: Buffer, transactionId?: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  if (value[1] === 0x02 && transactionId) {
    const mask = Buffer.concat([Buffer.from([0x21, 0x12, 0xa4, 0x42]), transactionId]);
    const bytes = Buffer.from(value.subarray(4, 20).map((byte, i) => byte ^ mask[i]!));
    const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(2 * i).toString(16));
    return `[${groups.join(':')}]:${port}`;
  }
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.');
  return `${ip}:${port}`;
}

/** XOR-PEER-ADDRESS for an IPv4 or IPv6 address (RFC 8489 section 14.2). */
function xorPeerAddress(ip: string, port: number, transactionId: Buffer): Buffer {
  const six = isIPv6(ip);
  const value = Buffer.alloc(six ? 20 : 8);
  value[1] = six ? 0x02 : 0x01;
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const raw = six ? ipv6Bytes(ip) : Buffer.from(ip.split('.').map(Number));
  const mask = Buffer.concat([Buffer.from([0x21, 0x12, 0xa4, 0x42]), transactionId]);
  raw.forEach((byte, i) => (value[4 + i] = byte ^ mask[i]!));
  return value;
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail = ''] = ip.split('::');
  const parse = (part: string) => (part ? part.split(':') : []);
  const left = parse(head!);
  const right = parse(tail);
  // An embedded IPv4 tail (::ffff:127.0.0.1) is two groups.
  const expand = (groups: string[]) =>
    groups.flatMap((g) => (g.includes('.') ? ((n) => [((n[0]! << 8) | n[1]!).toString(16), ((n[2]! << 8) | n[3]!).toString(16)])(g.split('.').map(Number)) : [g]));
  const l = expand(left);
  const r = expand(right);
  const groups = ip.includes('::') ? [...l, ...Array(8 - l.length - r.length).fill('0'), ...r] : l;
  const bytes = Buffer.alloc(16);
  groups.forEach((g, i) => bytes.writeUInt16BE(Number.parseInt(g, 16), 2 * i));
  return bytes;
}

export type AllocateResult = { ok: true; relayedAddress: string } | { ok: false; code: number; reason: string };

/** Tries a TURN allocation at host:port with a username/password; releases it again on success. */
export async function tryAllocate(host: string, port: number, username: string, password: string, timeoutMs = 3000): Promise<AllocateResult> {
  const session = await TurnSession.open({ host, port, timeoutMs });
  try {
    const result = await session.allocate(username, password);
    if (result.ok) await session.release();
    return result;
  } finally {
    session.close();
  }
}

export interface TurnSessionOptions {
  host: string;
  port: number;
  /** How the client reaches the server (default UDP). */
  transport?: 'udp' | 'tcp';
  timeoutMs?: number;
}

/** One client connection to a TURN server: Allocate (UDP or TCP relay, IPv4 or IPv6), CreatePermission, Refresh. */
export class TurnSession {
  #auth: { attributes: Attribute[]; key: Buffer } | null = null;
  #receivers = new Set<(message: Buffer) => void>();

  private constructor(
    private readonly write: (data: Buffer) => void,
    private readonly end: () => void,
    private readonly timeoutMs: number,
  ) {}

  static async open(options: TurnSessionOptions): Promise<TurnSession> {
    const timeoutMs = options.timeoutMs ?? 3000;
    if (options.transport === 'tcp') {
      const socket = new Socket();
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(options.port, options.host, () => resolve());
      });
      socket.on('error', () => undefined);
      const session = new TurnSession((data) => socket.write(data), () => socket.destroy(), timeoutMs);
      // STUN over TCP: each message is its 20-byte header plus the length it announces.
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 20 && pending.length >= 20 + pending.readUInt16BE(2)) {
          const size = 20 + pending.readUInt16BE(2);
          session.#deliver(pending.subarray(0, size));
          pending = pending.subarray(size);
        }
      });
      return session;
    }
    const socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
    const session = new TurnSession((data) => socket.send(data, options.port, options.host), () => socket.close(), timeoutMs);
    socket.on('message', (message) => session.#deliver(message));
    return session;
  }

  /**
   * Allocates a relayed address: `relay` 'udp' (RFC 8656) or 'tcp' (RFC 6062), `family` 4 or 6.
   * The credentials are kept for later requests on this session.
   */
  async allocate(username: string, password: string, options: { relay?: 'udp' | 'tcp'; family?: 4 | 6 } = {}): Promise<AllocateResult> {
    const attributes: Attribute[] = [[ATTR.REQUESTED_TRANSPORT, Buffer.from([options.relay === 'tcp' ? 6 : 17, 0, 0, 0])]];
    if (options.family === 6) attributes.push([ATTR.REQUESTED_ADDRESS_FAMILY, Buffer.from([0x02, 0, 0, 0])]);
    let id = randomBytes(12);
    const challenge = await this.#exchange(encode(ALLOCATE, id, attributes), id);
    const realm = challenge.attributes.get(ATTR.REALM);
    const nonce = challenge.attributes.get(ATTR.NONCE);
    if (!realm || !nonce) {
      const error = errorCode(challenge);
      return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? 'no realm/nonce challenge' };
    }
    const key = createHash('md5').update(`${username}:${realm.toString('utf8')}:${password}`).digest();
    this.#auth = {
      key,
      attributes: [
        [ATTR.USERNAME, Buffer.from(username, 'utf8')],
        [ATTR.REALM, realm],
        [ATTR.NONCE, nonce],
      ],
    };
    id = randomBytes(12);
    const answer = await this.#exchange(encode(ALLOCATE, id, [...attributes, ...this.#auth.attributes], key), id);
    if (answer.type !== 0x0103) {
      const error = errorCode(answer);
      return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? `unexpected message type ${answer.type}` };
    }
    const relayed = answer.attributes.get(ATTR.XOR_RELAYED_ADDRESS);
    return { ok: true, relayedAddress: relayed ? xorAddress(relayed, answer.transactionId) : '' };
  }

  /** Asks to relay to and from `peerIp`: ok, or the STUN error (403 for a denied peer). */
  async createPermission(peerIp: string, peerPort = 9): Promise<{ ok: true } | { ok: false; code: number; reason: string }> {
    if (!this.#auth) throw new Error('allocate first');
    const id = randomBytes(12);
    const answer = await this.#exchange(
      encode(CREATE_PERMISSION, id, [[ATTR.XOR_PEER_ADDRESS, xorPeerAddress(peerIp, peerPort, id)], ...this.#auth.attributes], this.#auth.key),
      id,
    );
    if (answer.type === 0x0108) return { ok: true };
    const error = errorCode(answer);
    return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? `unexpected message type ${answer.type}` };
  }

  /** Releases the allocation (Refresh with lifetime 0). */
  async release(): Promise<void> {
    if (!this.#auth) return;
    const id = randomBytes(12);
    await this.#exchange(encode(REFRESH, id, [[ATTR.LIFETIME, Buffer.alloc(4)], ...this.#auth.attributes], this.#auth.key), id).catch(() => undefined);
  }

  close(): void {
    this.end();
  }

  #deliver(message: Buffer): void {
    for (const receive of [...this.#receivers]) receive(message);
  }

  #exchange(request: Buffer, transactionId: Buffer): Promise<Decoded> {
    return new Promise<Decoded>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#receivers.delete(onMessage);
        reject(new Error('no answer from the TURN server'));
      }, this.timeoutMs);
      const onMessage = (message: Buffer) => {
        const decoded = decode(message);
        if (!decoded.transactionId.equals(transactionId)) return;
        clearTimeout(timer);
        this.#receivers.delete(onMessage);
        resolve(decoded);
      };
      this.#receivers.add(onMessage);
      this.write(request);
    });
  }
}
