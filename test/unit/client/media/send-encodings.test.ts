import { describe, expect, it } from 'vitest';
import { browserSimulcastLimit, CAMERA_LAYERS, CAMERA_VOICE_CODEC_OPTIONS, cameraVideoEncodings, MIN_LAYER_HEIGHT, TALKBACK_CODEC_OPTIONS, VIDEO_CODEC_OPTIONS, voiceEncodings } from '../../../../client/src/media/send-encodings.ts';

describe('camera video layers', () => {
  it('sends three spatial layers from 540 lines up, lowest first, each a single temporal layer', () => {
    const encodings = cameraVideoEncodings(720);
    expect(encodings.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(encodings.map((e) => e.rid)).toEqual(['r0', 'r1', 'r2']);
    expect(new Set(encodings.map((e) => (e as { scalabilityMode?: string }).scalabilityMode))).toEqual(new Set(['L1T1']));
    // Bitrates rise with the layer; the lowest fits a few hundred kbit/s with voice beside it.
    const rates = encodings.map((e) => e.maxBitrate!);
    expect([...rates].sort((a, b) => a - b)).toEqual(rates);
    expect(rates[0]).toBeLessThanOrEqual(150_000);
  });

  it('the lowest layer has the highest priority: it is what every viewer can fall back to', () => {
    const [lowest, ...others] = cameraVideoEncodings(720);
    expect(lowest!.priority).toBe('high');
    for (const other of others) expect(other.priority).toBeUndefined();
  });

  it('asks for no more layers than the browser sends, keeping the lowest and the full resolution', () => {
    expect(browserSimulcastLimit(1080)).toBe(3);
    expect(browserSimulcastLimit(540)).toBe(3);
    expect(browserSimulcastLimit(480)).toBe(2);
    expect(browserSimulcastLimit(270)).toBe(2);
    expect(browserSimulcastLimit(240)).toBe(1);
    expect(cameraVideoEncodings(1080).map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(cameraVideoEncodings(480).map((e) => e.scaleResolutionDownBy)).toEqual([4, 1]);
    expect(cameraVideoEncodings(360).map((e) => e.scaleResolutionDownBy)).toEqual([4, 1]);
    expect(cameraVideoEncodings(270).map((e) => e.scaleResolutionDownBy)).toEqual([2, 1]);
  });

  it('leaves out layers too small to show anything, and always keeps full resolution', () => {
    expect(cameraVideoEncodings(240).map((e) => e.scaleResolutionDownBy)).toEqual([1]);
    expect(cameraVideoEncodings(120).map((e) => e.scaleResolutionDownBy)).toEqual([1]);
    expect(cameraVideoEncodings(60).map((e) => e.scaleResolutionDownBy)).toEqual([1]);
    for (const height of [180, 360, 1080]) {
      for (const e of cameraVideoEncodings(height)) expect(height / e.scaleResolutionDownBy!).toBeGreaterThanOrEqual(MIN_LAYER_HEIGHT);
    }
  });

  it('the video floor is the lowest layer’s rate, far under a 400 kbit/s uplink', () => {
    expect(VIDEO_CODEC_OPTIONS.videoGoogleMinBitrate * 1000).toBe(CAMERA_LAYERS[0]!.maxBitrate);
    expect(VIDEO_CODEC_OPTIONS.videoGoogleMinBitrate).toBeLessThan(400 / 2);
  });
});

describe('voice', () => {
  it('goes ahead of video on the sender and on the network, with in-band FEC', () => {
    expect(voiceEncodings()).toEqual([{ priority: 'high', networkPriority: 'high' }]);
    expect(CAMERA_VOICE_CODEC_OPTIONS.opusFec).toBe(true);
    expect(TALKBACK_CODEC_OPTIONS.opusFec).toBe(true);
  });

  it('is retransmitted when lost: the relay NACKs voice as it does video', () => {
    expect(CAMERA_VOICE_CODEC_OPTIONS.opusNack).toBe(true);
    expect(TALKBACK_CODEC_OPTIONS.opusNack).toBe(true);
  });

  it('the camera keeps every quiet moment of the scene (no DTX); talk-back pauses cost almost nothing (DTX)', () => {
    expect(CAMERA_VOICE_CODEC_OPTIONS.opusDtx).toBe(false);
    expect(TALKBACK_CODEC_OPTIONS.opusDtx).toBe(true);
  });
});
