// A seat made ready ahead of a join, while the inbox shows an active grant: the signalling socket,
// the loaded Device, and a receive transport on the node that hosts the incident, connected (ICE
// and DTLS done) through an idle data channel, with nothing consumed, and with receivers for the
// camera's streams negotiated on it (bound-receivers.ts). Joining then costs one message
// (viewer-session.ts takes it over). It holds no media; the relay ends it with its grant
// or incident (`access.ended`), and the inbox closes it when the grant leaves the list or the page
// is hidden.
import type { Device, types } from 'mediasoup-client';
import { SightlineError, toCode, type AnyErrorCode } from '../net/errors.ts';
import type { SignalClient } from '../net/signal-client.ts';
import { iceOptions } from './ice-config.ts';
import { bindReceivers } from './bound-receivers.ts';
import { closeTransport, createRecvTransport } from './media-device.ts';
import { startSeatConnection } from './seat-connection.ts';

export interface PreparedParts {
  device: Device;
  signal: SignalClient;
  transport: types.Transport;
  /** Receivers negotiated ahead for the camera's streams (bound-receivers.ts); none if that failed. */
  bound: types.Consumer[];
}

export interface PreparedSeatEvents {
  /** ICE and DTLS are done. */
  connected(): void;
  /** The relay ended the prepared seat (its grant or incident ended), or its socket or transport failed. */
  ended(code: AnyErrorCode): void;
}

export class PreparedSeat {
  #ended: AnyErrorCode | null = null;
  #taken = false;
  readonly #off: Array<() => void> = [];

  private constructor(
    readonly incidentId: string,
    readonly grantId: string,
    private readonly parts: PreparedParts,
    private readonly events: PreparedSeatEvents,
  ) {}

  /** Prepares a seat for `grantId`; `events` hear when it is connected, and when the relay ends it or the socket drops. */
  static async open(incidentId: string, grantId: string, sessionToken: string, events: PreparedSeatEvents): Promise<PreparedSeat> {
    const [device, signal] = await startSeatConnection();
    try {
      const reply = await signal.request('prepare', {
        incidentId,
        grantId,
        session: sessionToken,
        // What browsers open: 1024 streams each way.
        sctpCapabilities: { numStreams: { OS: 1024, MIS: 1024 } },
      });
      // The relay never took the transport's DTLS parameters: whatever the browser says, it is not ready.
      let refused = (_code: AnyErrorCode): void => undefined;
      const transport = createRecvTransport(device, signal, reply.recvTransport, iceOptions(reply.iceServers), (error) =>
        refused(error instanceof SightlineError ? error.code : 'UNKNOWN'),
      );
      const bound: types.Consumer[] = [];
      const seat = new PreparedSeat(incidentId, grantId, { device, signal, transport, bound }, events);
      refused = (code) => seat.#end(code);
      seat.#off.push(
        signal.on('access.ended', ({ code }) => seat.#end(toCode(code))),
        signal.onClose(() => seat.#end('DISCONNECTED')),
      );
      transport.on('connectionstatechange', (state) => {
        if (state === 'failed') seat.#end('DISCONNECTED');
        else if (state === 'connected' && !seat.#taken && seat.#ended === null) events.connected();
      });
      // Negotiating the data channel makes the browser connect the transport now.
      const { dataConsumer } = reply;
      await transport.consumeData({
        id: dataConsumer.id,
        dataProducerId: dataConsumer.dataProducerId,
        sctpStreamParameters: dataConsumer.sctpStreamParameters as types.SctpStreamParameters,
        label: dataConsumer.label,
        protocol: dataConsumer.protocol,
      });
      // Then the camera's receivers, so Join needs no negotiation; without them it negotiates as usual.
      bound.push(...(await bindReceivers(transport, device, reply.boundSsrcs).catch((error: unknown) => {
        console.warn('[media] cannot bind receivers ahead', error);
        return [];
      })));
      return seat;
    } catch (error) {
      signal.close();
      throw error;
    }
  }

  /** ICE and DTLS are done: a join now needs no more than its own message. */
  get connected(): boolean {
    return this.#ended === null && this.parts.transport.connectionState === 'connected';
  }

  /** The track of the video receiver bound ahead, if there is one: a page may attach it before the join. */
  get boundVideo(): MediaStreamTrack | null {
    return this.parts.bound.find((receiver) => receiver.kind === 'video')?.track ?? null;
  }

  get ended(): boolean {
    return this.#ended !== null;
  }

  /** Hands the socket, the Device and the connected transport to the joining seat; this seat lets go of them. */
  take(): PreparedParts {
    if (this.#ended !== null || this.#taken) throw new Error('this prepared seat is no longer there');
    this.#taken = true;
    for (const off of this.#off.splice(0)) off();
    return this.parts;
  }

  /** Gives the prepared seat up (its grant left the inbox, or the page was hidden). Idempotent. */
  close(): void {
    if (this.#taken || this.#ended !== null) return;
    this.#ended = 'DISCONNECTED';
    this.#release();
  }

  #end(code: AnyErrorCode): void {
    if (this.#taken || this.#ended !== null) return;
    this.#ended = code;
    this.#release();
    this.events.ended(code);
  }

  #release(): void {
    for (const off of this.#off.splice(0)) off();
    closeTransport(this.parts.transport);
    this.parts.signal.close();
  }
}
