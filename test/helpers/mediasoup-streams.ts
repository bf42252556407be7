// Watches the producers and consumers an in-process relay creates (through mediasoup's own
// observer, so the media plane needs no test hooks) and reads their loss-repair counters.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface RepairCounters {
  /** Producers: packets received (media + repaired); consumers: packets sent. */
  packets: number;
  lost: number;
  /** NACKs: received by a consumer from its browser; sent by a producer to its browser. */
  nackCount: number;
  nackPacketCount: number;
  pliCount: number;
  packetsRetransmitted: number;
  packetsRepaired: number;
  packetsDiscarded: number;
  rtxPacketsDiscarded: number;
}

export interface StreamWatch {
  /** Counters of every video producer and consumer seen so far (closed ones are left out). */
  video(): Promise<{ producers: RepairCounters[]; consumers: RepairCounters[] }>;
  /** The same for audio. */
  audio(): Promise<{ producers: RepairCounters[]; consumers: RepairCounters[] }>;
  /** Counts, from now on, the RTX packets the video consumers send (mediasoup's 'rtp' trace events). */
  countVideoRtx(): Promise<{ sent(): number; stop(): Promise<void> }>;
  stop(): void;
}

function counters(stats: ReadonlyArray<Record<string, unknown>>, type: string): RepairCounters {
  const stream = stats.find((s) => s.type === type) ?? {};
  const n = (key: string) => (typeof stream[key] === 'number' ? stream[key] : 0);
  return {
    packets: n('packetCount'),
    lost: n('packetsLost'),
    nackCount: n('nackCount'),
    nackPacketCount: n('nackPacketCount'),
    pliCount: n('pliCount'),
    packetsRetransmitted: n('packetsRetransmitted'),
    packetsRepaired: n('packetsRepaired'),
    packetsDiscarded: n('packetsDiscarded'),
    rtxPacketsDiscarded: n('rtxPacketsDiscarded'),
  };
}

/** Start before the relay so that every worker it starts is seen. */
export function watchStreams(): StreamWatch {
  const producers = new Set<types.Producer>();
  const consumers = new Set<types.Consumer>();
  const onWorker = (worker: types.Worker) =>
    worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (transport) => {
        transport.observer.on('newproducer', (producer) => {
          producers.add(producer);
          producer.observer.once('close', () => producers.delete(producer));
        });
        transport.observer.on('newconsumer', (consumer) => {
          if (consumer.type === 'pipe') return;
          consumers.add(consumer);
          consumer.observer.once('close', () => consumers.delete(consumer));
        });
      }),
    );
  const tags = process.env.SIGHTLINE_MEDIASOUP_LOG_TAGS;
  const onAnyWorker = (worker: types.Worker) => {
    // Diagnostics: e.g. SIGHTLINE_MEDIASOUP_LOG_TAGS=rtx,rtcp with DEBUG='mediasoup:WARN*'.
    if (tags) void worker.updateSettings({ logLevel: 'warn', logTags: tags.split(',') as types.WorkerLogTag[] });
    onWorker(worker);
  };
  mediasoup.observer.on('newworker', onAnyWorker);
  const read = (list: Array<types.Producer | types.Consumer>, type: string) =>
    Promise.all(list.map(async (item) => counters((await item.getStats().catch(() => [])) as unknown as Array<Record<string, unknown>>, type)));
  const ofKind = async (kind: types.MediaKind) => ({
    producers: await read([...producers].filter((p) => p.kind === kind), 'inbound-rtp'),
    consumers: await read([...consumers].filter((c) => c.kind === kind), 'outbound-rtp'),
  });
  return {
    video: () => ofKind('video'),
    audio: () => ofKind('audio'),
    async countVideoRtx() {
      // One entry per RTX packet (consumer and RTX sequence number): a trace event may be delivered more than once.
      const sent = new Set<string>();
      const traced = [...consumers].filter((c) => c.kind === 'video');
      const listeners = traced.map((consumer) => {
        const onTrace = (event: types.ConsumerTraceEventData) => {
          const info = event.info as { isRtx?: boolean; rtpPacket?: { sequenceNumber?: number } };
          if (event.type === 'rtp' && info.isRtx) sent.add(`${consumer.id}:${info.rtpPacket?.sequenceNumber}`);
        };
        consumer.on('trace', onTrace);
        return { consumer, onTrace };
      });
      for (const consumer of traced) await consumer.enableTraceEvent(['rtp']);
      return {
        sent: () => sent.size,
        async stop() {
          for (const { consumer, onTrace } of listeners) {
            consumer.off('trace', onTrace);
            if (!consumer.closed) await consumer.enableTraceEvent([]);
          }
        },
      };
    },
    stop() {
      mediasoup.observer.off('newworker', onAnyWorker);
    },
  };
}
