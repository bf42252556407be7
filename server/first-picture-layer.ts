// A new viewer's first picture comes from the lowest simulcast layer, and the viewer climbs to the
// top as soon as that picture runs.
//
// A keyframe request makes the camera's encoder send a keyframe on every layer at once (libvpx's
// simulcast encodes the layers together), so the lowest layer's keyframe arrives with the top's.
// But the viewer's browser decodes and shows a small keyframe sooner than a 720p one: in
// `npm run bench:ttff`, A/B in the same run (medians of 16 joins each), Join → first frame fell
// from 286 to 217 ms and from 184 to 169 ms when the consumer started on the middle layer (360p)
// rather than the top, and from 257 to 228 ms and from 190 to 175 ms when it started on the
// lowest (180p) rather than the middle.
// The climb asks the camera for the top layer's keyframe, so a join costs the camera a second
// keyframe. It waits CAMERA_KEYFRAME_INTERVAL_MS after the first picture: a camera drops a request
// that comes sooner after the one it answered (keyframe-gate.ts), and mediasoup would ask again
// only a second later. The viewer sees the lowest layer for about a third of a second. The
// bandwidth estimate still decides: the preferred layer is a ceiling, never a floor.
import type { types } from 'mediasoup';
import { CAMERA_KEYFRAME_INTERVAL_MS } from './keyframe-gate.ts';

/**
 * The spatial layer a new viewer of a simulcast stream with `spatialLayers` layers starts on: the
 * lowest when there are three or more (180p of a 180p/360p/720p camera), otherwise the top, as
 * `null` (a two-layer camera's lower layer is a quarter of its height: 120p of a 480p phone). Pure.
 */
export function firstPictureLayer(spatialLayers: number): number | null {
  return spatialLayers >= 3 ? 0 : null;
}

/** The layers a consumer that starts on `firstPictureLayer` is created with, and climbs to. */
export interface LayerClimb {
  start: number;
  top: number;
}

/** For a new consumer of `producer`: where it starts and where it climbs to, if it starts below the top. */
export function layerClimbFor(producer: Pick<types.Producer, 'type' | 'rtpParameters'>): LayerClimb | null {
  if (producer.type !== 'simulcast') return null;
  const layers = producer.rtpParameters.encodings?.length ?? 1;
  const start = firstPictureLayer(layers);
  return start === null ? null : { start, top: layers - 1 };
}

/** The part of a consumer the climb needs (a mediasoup Consumer). */
export interface ClimbingConsumer {
  readonly closed: boolean;
  readonly currentLayers: types.ConsumerLayers | undefined;
  setPreferredLayers(layers: types.ConsumerLayers): Promise<void>;
  on(event: 'layerschange', listener: (layers?: types.ConsumerLayers) => void): unknown;
  off(event: 'layerschange', listener: (layers?: types.ConsumerLayers) => void): unknown;
}

/**
 * Once `consumer` (resumed) is sending its first picture, and the camera will hear a keyframe
 * request again, raises its preferred layer to `top`. Called after the first resume: a held
 * consumer keeps the keyframe of the layer it started on until then, and raising it before would
 * leave it waiting for a keyframe of the top.
 */
export function climbOnceShown(consumer: ClimbingConsumer, top: number): void {
  const raise = () => {
    if (!consumer.closed) void consumer.setPreferredLayers({ spatialLayer: top }).catch(() => undefined); // closed meanwhile
  };
  const climb = () => void setTimeout(raise, CAMERA_KEYFRAME_INTERVAL_MS).unref();
  if (consumer.currentLayers) {
    climb();
    return;
  }
  const onLayers = (layers?: types.ConsumerLayers) => {
    if (!layers) return;
    consumer.off('layerschange', onLayers);
    climb();
  };
  consumer.on('layerschange', onLayers);
}
