// Bench-only browser peer for Janus VideoRoom (JSON API over WebSocket, trickle ICE): publishes
// the camera like the officer page, or subscribes like a clinician and times the first frame.
class JanusConnection {
  #next = 1;
  #pending = new Map();

  static open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      ws.addEventListener('open', () => resolve(new JanusConnection(ws)), { once: true });
      ws.addEventListener('error', () => reject(new Error('Janus WebSocket failed')), { once: true });
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.session = 0;
    ws.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.janus === 'ack' || !message.transaction) return;
      const waiter = this.#pending.get(message.transaction);
      if (!waiter) return;
      this.#pending.delete(message.transaction);
      if (message.janus === 'error') waiter.reject(new Error(message.error?.reason ?? 'janus error'));
      else if (message.plugindata?.data?.error) waiter.reject(new Error(message.plugindata.data.error));
      else waiter.resolve(message);
    });
  }

  request(body) {
    const transaction = `t${this.#next++}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(transaction, { resolve, reject });
      this.ws.send(JSON.stringify({ ...body, transaction, ...(this.session ? { session_id: this.session } : {}) }));
    });
  }

  async attachVideoRoom() {
    this.session = (await this.request({ janus: 'create' })).data.id;
    return (await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
  }

  message(handle, body, jsep) {
    return this.request({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep: { type: jsep.type, sdp: jsep.sdp } } : {}) });
  }

  trickle(handle, candidate) {
    const payload = candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } : { completed: true };
    this.ws.send(JSON.stringify({ janus: 'trickle', session_id: this.session, handle_id: handle, candidate: payload, transaction: `c${this.#next++}` }));
  }
}

const keep = [];

/** Publishes camera and microphone (same constraints as Sightline's officer page). */
async function publish(url, room, id) {
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  const janus = await JanusConnection.open(url);
  const handle = await janus.attachVideoRoom();
  await janus.message(handle, { request: 'join', ptype: 'publisher', room, id, display: 'officer' });
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) pc.addTrack(track, media);
  pc.addEventListener('icecandidate', (event) => janus.trickle(handle, event.candidate));
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const reply = await janus.message(handle, { request: 'publish', audio: true, video: true }, offer);
  await pc.setRemoteDescription(reply.jsep);
  await new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      if (pc.connectionState === 'failed') reject(new Error('publisher connection failed'));
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
  keep.push(janus, pc, media);
}

/** Subscribes to a publisher; times WebSocket open → first decoded frame on the <video>. */
async function subscribe(url, room, feed) {
  const video = document.getElementById('video');
  const started = performance.now();
  const janus = await JanusConnection.open(url);
  const handle = await janus.attachVideoRoom();
  const pc = new RTCPeerConnection();
  const firstFrame = new Promise((resolve) => {
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'video') return;
      video.srcObject = new MediaStream([event.track]);
      // The receiver's counters as the first frame is shown (window.firstFrameStats: set by the bench).
      video.requestVideoFrameCallback((now) => {
        const stats = window.firstFrameStats ? window.firstFrameStats([pc]).catch(() => null) : Promise.resolve(null);
        void stats.then((firstFrames) => resolve({ now, firstFrames }));
      });
    });
  });
  // ICE and DTLS done: from here on the join waits for the camera's keyframe (Janus asks for one
  // once the subscriber's PeerConnection is up), as a pre-connected Sightline seat does from Join.
  const connected = new Promise((resolve) => {
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') resolve(performance.now());
    });
  });
  pc.addEventListener('icecandidate', (event) => janus.trickle(handle, event.candidate));
  const joined = await janus.message(handle, { request: 'join', ptype: 'subscriber', room, streams: [{ feed }] });
  const offerAt = performance.now();
  await pc.setRemoteDescription(joined.jsep);
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  await janus.message(handle, { request: 'start' }, answer);
  const { now: frameAt, firstFrames } = await firstFrame;
  const connectedAt = await connected;
  keep.push(janus, pc);
  return { ttffMs: frameAt - started, offerMs: offerAt - started, connectedMs: connectedAt - started, firstFrames };
}

window.benchJanus = { publish, subscribe };
