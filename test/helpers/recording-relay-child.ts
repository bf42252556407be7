// A relay in a process of its own, recording one incident with real media, for the tests that
// kill it: `node --import tsx test/helpers/recording-relay-child.ts <dataDir>`. The incident is
// started over signalling; a fake camera (ffmpeg over RTP, rtp-camera.ts) feeds its router, and
// its streams are recorded as the officer's. Prints {incidentId, ffmpegPid} on stdout, then runs
// until killed.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { ProducerDescription } from '../../server/media-types.ts';
import type { RecordableRoom } from '../../signaling/recording/incident-recording.ts';
import { DEMO, startRelay } from './relay.ts';
import { startRtpCamera } from './rtp-camera.ts';
import { goLive } from './scenario.ts';

const describeProducer = (producer: types.Producer): ProducerDescription => ({
  producerId: producer.id,
  peerId: 'officer',
  kind: producer.kind,
  source: 'camera',
  paused: false,
  layers: 1,
});

const relay = await startRelay({ RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '2' }, { dataDir: process.argv[2]! });
const { incidentId } = await goLive(relay);
const router = relay.services.media.room(incidentId)!.router;
const camera = await startRtpCamera(router);
const room = Object.assign(new EventEmitter(), {
  router,
  producers: () => [describeProducer(camera.videoProducer), describeProducer(camera.audioProducer)],
}) as unknown as RecordableRoom;
relay.services.recordings.attach(incidentId, room as never, () => ({ userId: DEMO.officer.id, role: 'officer' }));
process.stdout.write(`${JSON.stringify({ incidentId, ffmpegPid: camera.ffmpeg.pid })}\n`);
setInterval(() => undefined, 1 << 30);
