// Injected into a Sightline page before its own scripts, to time a clinician's join from inside
// the page: when it starts, when `join` is sent, when its reply arrives, when the video track is
// attached, and the first video frame presented (requestVideoFrameCallback on that element). The
// figures are handed out through the `__ttffReport` binding once the frame is shown, so that
// nothing is evaluated in the page while it joins.
//
// `start`:
//   'join'  — the first of the router capabilities fetch, the WebSocket and the RTCPeerConnections
//             (the watch page from a grant link: the join's own work starts the clock);
//   'click' — a click on the inbox's Join (the inbox prepared its seat before: its sockets and
//             peer connections were made while it showed the grant, and do not count).

export interface TtffProbe {
  start: number;
  joinSent: number | null;
  reply: number | null;
  track: number | null;
  firstFrame: number;
  /** The received video's counters read once the first frame was shown (firstFrameStatsScript). */
  firstFrames: FirstFrames | null;
}

/** How the browser's receiver had handled the video when its first frame was shown. */
export interface FirstFrames {
  /** Frames decoded by then: more than one means frames decoded before it were not shown. */
  decoded: number;
  /** Mean time a frame spent in the jitter buffer until then (first packet in → out to the decoder), ms. */
  heldMs: number;
}

/**
 * Page-side JavaScript: an async function of a list of RTCPeerConnections that reads the first
 * video receiver that has decoded a frame and returns its FirstFrames, or null. Read after the
 * first frame is timed, so it does not touch the figure.
 */
export const firstFrameStatsScript = `async (pcs) => {
  for (const pc of pcs) {
    if (pc.connectionState === 'closed') continue;
    let found = null;
    (await pc.getStats()).forEach((s) => {
      if (!found && s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0) found = s;
    });
    if (found) return { decoded: found.framesDecoded, heldMs: (found.jitterBufferDelay / Math.max(1, found.jitterBufferEmittedCount)) * 1000 };
  }
  return null;
}`;

export function ttffProbeScript(start: 'join' | 'click'): string {
  return `(() => {
  const probe = { start: null, joinSent: null, reply: null, track: null, firstFrame: null, firstFrames: null };
  window.__ttff = probe;
  const pcs = [];
  // For a join that never came: what each connection was doing.
  window.__ttffPcs = pcs;
  window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
    construct(target, args, newTarget) {
      const pc = Reflect.construct(target, args, newTarget);
      pcs.push(pc);
      return pc;
    },
  });
  if (${JSON.stringify(start)} === 'join') {
    const fetch0 = window.fetch;
    window.fetch = function (input, init) {
      const url = typeof input === 'string' ? input : input instanceof Request ? input.url : String(input);
      if (url.includes('/api/media/capabilities')) probe.start ??= performance.now();
      return fetch0.call(this, input, init);
    };
    for (const name of ['WebSocket', 'RTCPeerConnection']) {
      window[name] = new Proxy(window[name], {
        construct(target, args, newTarget) {
          probe.start ??= performance.now();
          return Reflect.construct(target, args, newTarget);
        },
      });
    }
  } else {
    window.addEventListener('click', (event) => {
      if (!(event.target instanceof Element && event.target.closest('[data-testid="inbox-join"]')) || probe.start !== null) return;
      probe.start = performance.now();
      // A viewer whose video was attached to its stream ahead of the join (a receiver bound ahead):
      // its first frame is the join's, and the track counts as attached once the reply is in.
      const video = document.querySelector('video[data-testid="video"]');
      if (video && video.srcObject) {
        ahead = true;
        watchFirstFrame(video);
      }
    }, true);
  }
  let ahead = false;
  function watchFirstFrame(video) {
    video.requestVideoFrameCallback((now) => {
      if (probe.firstFrame !== null) return;
      probe.firstFrame = now;
      const read = ${firstFrameStatsScript};
      read(pcs).catch(() => null).then((firstFrames) => {
        probe.firstFrames = firstFrames;
        window.__ttffReport(probe);
      });
    });
  }
  const send0 = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (probe.start !== null && probe.joinSent === null && typeof data === 'string' && data.includes('"type":"join"')) {
      probe.joinSent = performance.now();
      this.addEventListener('message', (event) => {
        if (probe.reply === null && typeof event.data === 'string' && event.data.includes('"consumers"')) {
          probe.reply = performance.now();
          if (ahead) probe.track ??= probe.reply;
        }
      });
    }
    return send0.call(this, data);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get() { return src.get.call(this); },
    set(value) {
      src.set.call(this, value);
      if (value && this instanceof HTMLVideoElement && probe.start !== null) {
        probe.track ??= performance.now();
        watchFirstFrame(this);
      }
    },
  });
})();`;
}
