// Glass-to-glass probe, injected (bench only) into the officer and watch pages before their own
// scripts. On the officer page the camera becomes a canvas that paints the wall-clock time as a
// pixel code on every frame; on the watch page each presented frame's code is read back and
// compared with the clock. Both pages share the machine clock (performance.timeOrigin + now).
// The same probe also sets up a direct RTCPeerConnection between the two pages for comparison.
(() => {
  const W = 640;
  const H = 480;
  const COLS = 8;
  const ROWS = 5; // 32 bits of time (ms, mod 2^32) + 8 bits of checksum
  const now = () => performance.timeOrigin + performance.now();

  // Every peer connection the page makes (mediasoup-client's included), for per-path statistics.
  const connections = [];
  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = function RTCPeerConnection(...args) {
    const pc = new NativePC(...args);
    connections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = NativePC.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, NativePC);
  const checksum = (v) => ((v >>> 24) + ((v >>> 16) & 255) + ((v >>> 8) & 255) + (v & 255)) & 255;

  let canvasStream = null;
  function paintedCamera() {
    if (canvasStream) return canvasStream;
    const canvas = document.createElement('canvas');
    canvas.width = W;
    canvas.height = H;
    const ctx = canvas.getContext('2d');
    const cw = W / COLS;
    const ch = H / ROWS;
    const paint = () => {
      const value = Math.round(now()) >>> 0;
      const bits = [];
      for (let i = 31; i >= 0; i--) bits.push((value >>> i) & 1);
      const sum = checksum(value);
      for (let i = 7; i >= 0; i--) bits.push((sum >>> i) & 1);
      bits.forEach((bit, i) => {
        ctx.fillStyle = bit ? '#fff' : '#000';
        ctx.fillRect((i % COLS) * cw, Math.floor(i / COLS) * ch, cw, ch);
      });
    };
    paint();
    setInterval(paint, 1000 / 30);
    canvasStream = canvas.captureStream(30);
    return canvasStream;
  }

  let microphone = null;
  if (navigator.mediaDevices?.getUserMedia) {
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints = {}) => {
      const stream = new MediaStream();
      if (constraints.audio) {
        for (const t of (await gum({ audio: constraints.audio })).getAudioTracks()) {
          stream.addTrack(t);
          microphone ??= t;
        }
      }
      if (constraints.video) stream.addTrack(paintedCamera().getVideoTracks()[0]);
      return stream;
    };
  }

  const samples = { relay: [], direct: [] };
  const undecodable = { relay: 0, direct: 0 };
  let recording = false;

  /** Reads the code of every presented frame of `video` into samples[label]. */
  function readFrames(video, label) {
    const small = document.createElement('canvas');
    small.width = W / 8;
    small.height = H / 8;
    const ctx = small.getContext('2d', { willReadFrequently: true });
    const onFrame = () => {
      const at = now();
      if (video.videoWidth > 0) {
        ctx.drawImage(video, 0, 0, small.width, small.height);
        const data = ctx.getImageData(0, 0, small.width, small.height).data;
        const cw = small.width / COLS;
        const ch = small.height / ROWS;
        let value = 0;
        let sum = 0;
        for (let i = 0; i < COLS * ROWS; i++) {
          const x = Math.floor((i % COLS) * cw + cw / 2);
          const y = Math.floor(Math.floor(i / COLS) * ch + ch / 2);
          const bit = data[(y * small.width + x) * 4 + 1] > 127 ? 1 : 0;
          if (i < 32) value = ((value << 1) | bit) >>> 0;
          else sum = (sum << 1) | bit;
        }
        if (recording) {
          if (sum !== checksum(value)) undecodable[label]++;
          else {
            let delay = (at % 2 ** 32) - value;
            if (delay < -(2 ** 31)) delay += 2 ** 32;
            samples[label].push(delay);
          }
        }
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  const gathered = (pc) =>
    new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
  const vp8Only = (transceiver) => {
    const codecs = RTCRtpReceiver.getCapabilities('video').codecs.filter((c) => /vp8|rtx/i.test(c.mimeType));
    transceiver.setCodecPreferences(codecs);
  };

  let directPc = null;
  window.__g2g = {
    readRelay() {
      readFrames(document.getElementById('video'), 'relay');
    },
    /**
     * Officer page: offer the painted camera and the microphone on a direct connection, each as
     * its own stream (the watch page plays the relay's streams unsynchronised too), VP8 like the
     * relay path.
     */
    async directOffer() {
      directPc = new RTCPeerConnection();
      const video = paintedCamera().getVideoTracks()[0];
      if (microphone) directPc.addTransceiver(microphone, { direction: 'sendonly', streams: [new MediaStream([microphone])] });
      vp8Only(directPc.addTransceiver(video, { direction: 'sendonly', streams: [new MediaStream([video])] }));
      await directPc.setLocalDescription(await directPc.createOffer());
      await gathered(directPc);
      return directPc.localDescription.sdp;
    },
    async directAccept(sdp) {
      await directPc.setRemoteDescription({ type: 'answer', sdp });
    },
    /** Watch page: answer the direct connection and read its frames. */
    async directAnswer(sdp) {
      directPc = new RTCPeerConnection();
      directPc.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') {
          const audio = document.createElement('audio');
          audio.autoplay = true;
          document.body.append(audio);
          audio.srcObject = new MediaStream([event.track]);
          void audio.play().catch(() => undefined);
          return;
        }
        const video = document.createElement('video');
        video.muted = true;
        video.autoplay = true;
        video.playsInline = true;
        video.width = 320;
        document.body.append(video);
        video.srcObject = new MediaStream([event.track]);
        void video.play().catch(() => undefined);
        readFrames(video, 'direct');
      });
      await directPc.setRemoteDescription({ type: 'offer', sdp });
      await directPc.setLocalDescription(await directPc.createAnswer());
      await gathered(directPc);
      return directPc.localDescription.sdp;
    },
    /** Cumulative video RTP statistics per path: the caller takes differences over a window. */
    async pathStats() {
      const out = [];
      for (const [index, pc] of connections.entries()) {
        if (pc.connectionState === 'closed') continue;
        const path = pc === directPc ? 'direct' : 'relay';
        (await pc.getStats()).forEach((raw) => {
          // Ids are unique within a connection only: a renewed connection may reuse them.
          const s = { ...raw, kind: raw.kind, type: raw.type, id: `${index}:${raw.id}` };
          if (s.kind === 'audio' && s.type === 'inbound-rtp') {
            out.push({ path, dir: 'audio-in', id: s.id, concealedSamples: s.concealedSamples ?? 0, totalSamplesReceived: s.totalSamplesReceived ?? 0,
              concealmentEvents: s.concealmentEvents ?? 0, packetsLost: s.packetsLost ?? 0, packetsReceived: s.packetsReceived ?? 0 });
            return;
          }
          if (s.kind !== 'video' || s.mid === 'probator' || s.ssrc === 1234) return;
          if (s.type === 'inbound-rtp') {
            out.push({ path, dir: 'in', id: s.id, jitterBufferDelay: s.jitterBufferDelay ?? 0, jitterBufferEmittedCount: s.jitterBufferEmittedCount ?? 0,
              totalDecodeTime: s.totalDecodeTime ?? 0, framesDecoded: s.framesDecoded ?? 0, packetsLost: s.packetsLost ?? 0,
              packetsReceived: s.packetsReceived ?? 0, nackCount: s.nackCount ?? 0, framesDropped: s.framesDropped ?? 0, bytesReceived: s.bytesReceived ?? 0,
              freezeCount: s.freezeCount ?? 0, totalFreezesDuration: s.totalFreezesDuration ?? 0,
              retransmittedPacketsReceived: s.retransmittedPacketsReceived ?? 0, pliCount: s.pliCount ?? 0, frameHeight: s.frameHeight ?? null });
          } else if (s.type === 'outbound-rtp') {
            out.push({ path, dir: 'out', totalPacketSendDelay: s.totalPacketSendDelay ?? 0, packetsSent: s.packetsSent ?? 0,
              totalEncodeTime: s.totalEncodeTime ?? 0, framesEncoded: s.framesEncoded ?? 0, bytesSent: s.bytesSent ?? 0,
              targetBitrate: s.targetBitrate ?? null, qualityLimitationReason: s.qualityLimitationReason ?? null, retransmittedPacketsSent: s.retransmittedPacketsSent ?? 0 });
          }
        });
      }
      return out;
    },
    record(on) {
      recording = on;
    },
    /**
     * Officer page: stops (false) or resumes (true) sending on one path's connections, so that a
     * rate-limited link can be measured one path at a time (two paths on one link compete).
     */
    async setSending(path, on) {
      for (const pc of connections) {
        if (pc.connectionState === 'closed' || (pc === directPc) !== (path === 'direct')) continue;
        for (const sender of pc.getSenders()) {
          if (on && sender.__held !== undefined) {
            await sender.replaceTrack(sender.__held);
            delete sender.__held;
          } else if (!on && sender.track) {
            sender.__held = sender.track;
            await sender.replaceTrack(null);
          }
        }
      }
    },
    counts() {
      return { relay: samples.relay.length, direct: samples.direct.length };
    },
    results() {
      return { samples, undecodable };
    },
  };
})();
