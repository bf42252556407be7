// A new viewer's first picture comes from a middle simulcast layer, and the viewer climbs to the
// top as soon as that picture runs.
//
// A keyframe request makes the camera's encoder send a keyframe on every layer at once (libvpx's
// simulcast encodes the layers together), so a middle layer's keyframe arrives with the top's. But
// the viewer's browser decodes and shows a 360p keyframe sooner than a 720p one: in
// `npm run bench:ttff`, run A/B in the same run, Join → first frame fell from 286 to 217 ms and
// from 184 to 169 ms (medians of 16 joins each) when the consumer started one layer below the top.
// The climb asks the camera for the top layer's keyframe, so a join costs the camera a second
// keyframe. It waits CAMERA_KEYFRAME_INTERVAL_MS after the first picture: a camera drops a request
// that comes sooner after the one it answered (keyframe-gate.ts), and mediasoup would ask again
// only a second later. The viewer sees the middle layer for about a third of a second. The
// bandwidth estimate still decides: the preferred layer is a ceiling, never a floor.
import type { types } from 'mediasoup';
import { CAMERA_KEYFRAME_INTERVAL_MS } from './keyframe-gate.ts';

/**
 * The spatial layer a new viewer of a simulcast stream with `spatialLayers` layers starts on: one
 * below the top when there are three or more (the middle of a 180p/360p/720p camera), otherwise
 * the top (a two-layer camera's lower layer is a quarter of its height), as `null`. Pure.
 */
export function firstPictureLayer(spatialLayers: number): number | null {
  return spatialLayers >= 3 ? spatialLayers - 2 : null;
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
