import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { describe, expect, it } from 'vitest';
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
  it('is one below the top with three layers or more, the top otherwise', () => {
    expect(firstPictureLayer(3)).toBe(1);
    expect(firstPictureLayer(4)).toBe(2);
    expect(firstPictureLayer(2)).toBeNull();
    expect(firstPictureLayer(1)).toBeNull();
  });

  it('applies to simulcast producers only', () => {
    expect(layerClimbFor(simulcast(3))).toEqual({ start: 1, top: 2 });
    expect(layerClimbFor(simulcast(2))).toBeNull();
    expect(layerClimbFor({ type: 'simple', rtpParameters: { codecs: [], encodings: [{}] } })).toBeNull();
    expect(layerClimbFor({ type: 'svc', rtpParameters: { codecs: [], encodings: [{ scalabilityMode: 'L3T3' }] } })).toBeNull();
  });
});

describe('the climb to the top', () => {
  it('waits for the first picture, then raises the preferred layer once', async () => {
    const consumer = new FakeConsumer();
    climbOnceShown(consumer, 2);
    consumer.change(undefined);
    expect(consumer.preferred).toEqual([]);
    consumer.change({ spatialLayer: 1, temporalLayer: 0 });
    consumer.change({ spatialLayer: 2, temporalLayer: 0 });
    await Promise.resolve();
    expect(consumer.preferred).toEqual([{ spatialLayer: 2 }]);
    expect(consumer.listenerCount('layerschange')).toBe(0);
  });

  it('climbs at once when the picture already runs (a held consumer released its keyframe)', () => {
    const consumer = new FakeConsumer();
    consumer.currentLayers = { spatialLayer: 1, temporalLayer: 0 };
    climbOnceShown(consumer, 2);
    expect(consumer.preferred).toEqual([{ spatialLayer: 2 }]);
  });

  it('leaves a closed consumer alone', () => {
    const consumer = new FakeConsumer();
    climbOnceShown(consumer, 2);
    consumer.closed = true;
    consumer.change({ spatialLayer: 1, temporalLayer: 0 });
    expect(consumer.preferred).toEqual([]);
  });
});
