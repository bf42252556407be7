import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CAMERA_KEYFRAME_INTERVAL_MS } from '../../../server/keyframe-gate.ts';
import { climbOnceShown, firstPictureLayer, layerClimbFor, type ClimbingConsumer } from '../../../server/first-picture-layer.ts';

/** A consumer as far as the climb sees it: its current layers, its layer changes, the preferred layers it was given. */
class FakeConsumer extends EventEmitter implements ClimbingConsumer {
  closed = false;
  currentLayers: types.ConsumerLayers | undefined = undefined;
  readonly preferred: types.ConsumerLayers[] = [];
  async setPreferredLayers(layers: types.ConsumerLayers): Promise<void> {
    this.preferred.push(layers);
  }
  change(layers?: types.ConsumerLayers): void {
    this.currentLayers = layers;
    this.emit('layerschange', layers);
  }
}

const simulcast = (layers: number) => ({ type: 'simulcast' as const, rtpParameters: { codecs: [], encodings: Array.from({ length: layers }, (_, i) => ({ rid: `r${i}` })) } });

describe('the first picture layer', () => {
  it('is the lowest with three layers or more, the top otherwise', () => {
    expect(firstPictureLayer(3)).toBe(0);
    expect(firstPictureLayer(4)).toBe(0);
    expect(firstPictureLayer(2)).toBeNull();
    expect(firstPictureLayer(1)).toBeNull();
  });

  it('applies to simulcast producers only', () => {
    expect(layerClimbFor(simulcast(3))).toEqual({ start: 0, top: 2 });
    expect(layerClimbFor(simulcast(2))).toBeNull();
    expect(layerClimbFor({ type: 'simple', rtpParameters: { codecs: [], encodings: [{}] } })).toBeNull();
    expect(layerClimbFor({ type: 'svc', rtpParameters: { codecs: [], encodings: [{ scalabilityMode: 'L3T3' }] } })).toBeNull();
  });
});

describe('the climb to the top', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for the first picture and for the camera to hear a request again, then raises the preferred layer once', () => {
    const consumer = new FakeConsumer();
    climbOnceShown(consumer, 2);
    consumer.change(undefined);
    vi.advanceTimersByTime(CAMERA_KEYFRAME_INTERVAL_MS * 2);
    expect(consumer.preferred).toEqual([]);
    consumer.change({ spatialLayer: 1, temporalLayer: 0 });
    consumer.change({ spatialLayer: 0, temporalLayer: 0 });
    vi.advanceTimersByTime(CAMERA_KEYFRAME_INTERVAL_MS - 1);
    expect(consumer.preferred, 'a request so soon after the first picture’s would be dropped').toEqual([]);
    vi.advanceTimersByTime(1);
    expect(consumer.preferred).toEqual([{ spatialLayer: 2 }]);
    expect(consumer.listenerCount('layerschange')).toBe(0);
  });

  it('counts from the resume when the picture already runs (a held consumer released its keyframe)', () => {
    const consumer = new FakeConsumer();
    consumer.currentLayers = { spatialLayer: 1, temporalLayer: 0 };
    climbOnceShown(consumer, 2);
    vi.advanceTimersByTime(CAMERA_KEYFRAME_INTERVAL_MS);
    expect(consumer.preferred).toEqual([{ spatialLayer: 2 }]);
  });

  it('leaves a consumer closed meanwhile alone', () => {
    const consumer = new FakeConsumer();
    climbOnceShown(consumer, 2);
    consumer.change({ spatialLayer: 1, temporalLayer: 0 });
    consumer.closed = true;
    vi.advanceTimersByTime(CAMERA_KEYFRAME_INTERVAL_MS);
    expect(consumer.preferred).toEqual([]);
  });
});
