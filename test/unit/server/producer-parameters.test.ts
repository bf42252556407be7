import { describe, expect, it } from 'vitest';
import { MAX_VIDEO_ENCODINGS, producerParametersProblem } from '../../../server/producer-parameters.ts';

const simulcast = (n: number, mode = 'L1T3') => ({ encodings: Array.from({ length: n }, (_, i) => ({ rid: `r${i}`, scalabilityMode: mode })) });

describe('producerParametersProblem', () => {
  it('takes what browsers send: one encoding, or up to the simulcast limit with distinct rids', () => {
    expect(producerParametersProblem('audio', { encodings: [{ ssrc: 1 }] })).toBeNull();
    expect(producerParametersProblem('video', { encodings: [{ ssrc: 2, scalabilityMode: 'L1T3' }] })).toBeNull();
    expect(producerParametersProblem('video', simulcast(3))).toBeNull();
    expect(producerParametersProblem('video', simulcast(MAX_VIDEO_ENCODINGS))).toBeNull();
    expect(producerParametersProblem('video', { encodings: [{ ssrc: 3, scalabilityMode: 'L3T3_KEY' }] })).toBeNull();
    expect(producerParametersProblem('video', {})).toBeNull();
  });

  it('refuses what no consumer could be made of', () => {
    expect(producerParametersProblem('video', simulcast(300))).toMatch(/at most 4 encodings/);
    expect(producerParametersProblem('video', simulcast(MAX_VIDEO_ENCODINGS + 1))).toMatch(/at most/);
    expect(producerParametersProblem('audio', { encodings: [{ ssrc: 1 }, { ssrc: 2 }] })).toMatch(/at most 1 encoding /);
    expect(producerParametersProblem('video', { encodings: [{ rid: 'a' }, { rid: 'a' }] })).toMatch(/repeat rid:a/);
    expect(producerParametersProblem('video', { encodings: [{ rid: 'a' }, {}] })).toMatch(/neither a rid nor an ssrc/);
    expect(producerParametersProblem('video', { encodings: [{ ssrc: 1, scalabilityMode: 'L9T9' }] })).toMatch(/more than 4/);
    expect(producerParametersProblem('video', { encodings: [{ ssrc: 1, scalabilityMode: 'banana' }] })).toMatch(/unknown scalabilityMode/);
    expect(producerParametersProblem('video', simulcast(2, 'L2T1'))).toMatch(/cannot also carry spatial layers/);
    expect(producerParametersProblem('video', { encodings: 'many' })).toMatch(/must be a list/);
    expect(producerParametersProblem('video', { encodings: [null] })).toMatch(/not an object/);
  });
});
