// Keyframe requests of one video producer. Later requests are throttled by mediasoup's own
// `keyFrameRequestDelay`: within the delay after a request reached the camera, further requests
// wait for the delay's end and go as one (a camera encodes a keyframe per request, and on a thin
// uplink each one is a burst). A new viewer's first picture must not wait behind that throttle, so
// the first request of a new viewer is decided here, from what the producer's trace events say
// reached the camera and came back:
//
//   - 'plain': no request is in its delay: mediasoup sends the viewer's request at once.
//   - 'coming': a request reached the camera and its keyframe has not come yet: that keyframe
//     serves the new viewer as well; asking again would only be held back.
//   - 'force': the delay runs and its keyframe already came: a plain request would wait for the
//     delay's end, so the relay forces one now (the other viewers skip at most the frames until it).
//
// A camera also drops a request that reaches it within CAMERA_KEYFRAME_INTERVAL_MS of the last one
// it answered (libwebrtc's encoder feedback: traced in `npm run bench:ttff`, where a dropped
// request left the viewer waiting for mediasoup's next try, a second later). So a first keyframe
// wanted that soon after the last keyframe came is forced once that interval has passed.
//
// Pure: times come from the caller.

export type FirstKeyFrame = 'plain' | 'coming' | 'force';

/** A keyframe request unanswered for this long is taken as lost (mediasoup asks again after 1 s). */
const ANSWER_WITHIN_MS = 1000;

/** A camera (Chromium's libwebrtc) answers at most one keyframe request in this long. */
export const CAMERA_KEYFRAME_INTERVAL_MS = 300;

export class KeyFrameGate {
  #requestedAt: number | null = null;
  #keyFrameAt: number | null = null;

  constructor(
    /** mediasoup's keyFrameRequestDelay for this producer, ms (0: no throttle). */
    readonly delayMs: number,
  ) {}

  /** A keyframe request (PLI or FIR) went to the camera. */
  requested(at: number): void {
    this.#requestedAt = at;
  }

  /** A keyframe came from the camera. */
  keyFrame(at: number): void {
    this.#keyFrameAt = at;
  }

  /** How a new viewer's first keyframe is to be had at `now`. */
  firstFor(now: number): FirstKeyFrame {
    const requestedAt = this.#requestedAt;
    const keyFrameAt = this.#keyFrameAt;
    const inDelay = requestedAt !== null && this.delayMs > 0 && now - requestedAt < this.delayMs;
    const answered = requestedAt !== null && keyFrameAt !== null && keyFrameAt >= requestedAt;
    // A request made within the camera's interval after the keyframe before it was dropped.
    const heard = requestedAt !== null && (keyFrameAt === null || requestedAt - keyFrameAt >= CAMERA_KEYFRAME_INTERVAL_MS);
    if (inDelay && !answered && heard && now - requestedAt < ANSWER_WITHIN_MS) return 'coming';
    if (this.waitBeforeForce(now) > 0) return 'force'; // a plain request would be dropped by the camera
    return inDelay ? 'force' : 'plain';
  }

  /** How long a forced request must wait at `now` for the camera to answer it (see CAMERA_KEYFRAME_INTERVAL_MS). */
  waitBeforeForce(now: number): number {
    return this.#keyFrameAt === null ? 0 : Math.max(0, this.#keyFrameAt + CAMERA_KEYFRAME_INTERVAL_MS - now);
  }
}
