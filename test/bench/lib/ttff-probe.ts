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
}

export function ttffProbeScript(start: 'join' | 'click'): string {
  return `(() => {
  const probe = { start: null, joinSent: null, reply: null, track: null, firstFrame: null };
  window.__ttff = probe;
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
      if (event.target instanceof Element && event.target.closest('[data-testid="inbox-join"]')) probe.start ??= performance.now();
    }, true);
  }
  const send0 = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (probe.start !== null && probe.joinSent === null && typeof data === 'string' && data.includes('"type":"join"')) {
      probe.joinSent = performance.now();
      this.addEventListener('message', (event) => {
        if (probe.reply === null && typeof event.data === 'string' && event.data.includes('"consumers"')) probe.reply = performance.now();
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
        this.requestVideoFrameCallback((now) => {
          if (probe.firstFrame !== null) return;
          probe.firstFrame = now;
          window.__ttffReport(probe);
        });
      }
    },
  });
})();`;
}
