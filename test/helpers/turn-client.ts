// A minimal TURN client (RFC 8656 Allocate with long-term credentials, over UDP), enough to ask a
// real coturn whether it accepts a credential: success gives the relayed address; refusal gives
// the STUN error code (401 Unauthorized for a bad or expired TURN REST credential).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { crc32 } from 'node:zlib';

const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const REFRESH = 0x0004;
const ATTR = { USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, LIFETIME: 0x000d, REALM: 0x0014, NONCE: 0x0015, XOR_RELAYED_ADDRESS: 0x0016, REQUESTED_TRANSPORT: 0x0019, FINGERPRINT: 0x8028 } as const;

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

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join('.');
  return `${ip}:${port}`;
}

export type AllocateResult = { ok: true; relayedAddress: string } | { ok: false; code: number; reason: string };

/** Tries a TURN allocation at host:port with a username/password; releases it again on success. */
export async function tryAllocate(host: string, port: number, username: string, password: string, timeoutMs = 3000): Promise<AllocateResult> {
  const socket = createSocket('udp4');
  const exchange = (request: Buffer, transactionId: Buffer) =>
    new Promise<Decoded>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from TURN server ${host}:${port}`)), timeoutMs);
      const onMessage = (message: Buffer) => {
        const decoded = decode(message);
        if (!decoded.transactionId.equals(transactionId)) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(decoded);
      };
      socket.on('message', onMessage);
      socket.send(request, port, host);
    });
  try {
    const transport: Attribute = [ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0])];
    let id = randomBytes(12);
    const challenge = await exchange(encode(ALLOCATE, id, [transport]), id);
    const realm = challenge.attributes.get(ATTR.REALM);
    const nonce = challenge.attributes.get(ATTR.NONCE);
    if (!realm || !nonce) {
      const error = errorCode(challenge);
      return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? 'no realm/nonce challenge' };
    }
    const key = createHash('md5').update(`${username}:${realm.toString('utf8')}:${password}`).digest();
    const auth: Attribute[] = [
      [ATTR.USERNAME, Buffer.from(username, 'utf8')],
      [ATTR.REALM, realm],
      [ATTR.NONCE, nonce],
    ];
    id = randomBytes(12);
    const answer = await exchange(encode(ALLOCATE, id, [transport, ...auth], key), id);
    if (answer.type !== 0x0103) {
      const error = errorCode(answer);
      return { ok: false, code: error?.code ?? 0, reason: error?.reason ?? `unexpected message type ${answer.type}` };
    }
    const relayed = answer.attributes.get(ATTR.XOR_RELAYED_ADDRESS);
    id = randomBytes(12);
    await exchange(encode(REFRESH, id, [[ATTR.LIFETIME, Buffer.alloc(4)], ...auth], key), id).catch(() => undefined);
    return { ok: true, relayedAddress: relayed ? xorAddress(relayed) : '' };
  } finally {
    socket.close();
  }
}
