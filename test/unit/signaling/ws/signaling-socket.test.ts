import { describe, expect, it } from 'vitest';
import { SIGNALING_PATH, originAllowed } from '../../../../signaling/ws/signaling-socket.ts';

const PUBLIC = 'https://relay.example.org';

describe('originAllowed', () => {
  it('allows clients that send no Origin (non-browser clients)', () => {
    expect(originAllowed(undefined, 'relay.example.org', PUBLIC)).toBe(true);
    expect(originAllowed(undefined, undefined, PUBLIC)).toBe(true);
  });

  it('allows an origin naming the host the browser connected to', () => {
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', PUBLIC)).toBe(true);
    expect(originAllowed('http://localhost:5173', 'localhost:5173', PUBLIC)).toBe(true);
  });

  it('allows an origin naming the public URL host', () => {
    expect(originAllowed('https://relay.example.org', 'internal:8080', PUBLIC)).toBe(true);
    expect(originAllowed('https://relay.example.org', undefined, `${PUBLIC}/sightline`)).toBe(true);
    expect(originAllowed('https://relay.example.org:8443', 'internal:8080', 'https://relay.example.org:8443')).toBe(true);
  });

  it('refuses a foreign origin', () => {
    expect(originAllowed('https://evil.example.com', 'relay.example.org', PUBLIC)).toBe(false);
    expect(originAllowed('https://evil.example.com', undefined, PUBLIC)).toBe(false);
    // Same host name but another port is another origin.
    expect(originAllowed('http://127.0.0.1:9999', '127.0.0.1:8080', 'http://127.0.0.1:8080')).toBe(false);
    // A look-alike suffix is not the same host.
    expect(originAllowed('https://relay.example.org.evil.com', 'relay.example.org', PUBLIC)).toBe(false);
    expect(originAllowed('https://example.org', 'relay.example.org', PUBLIC)).toBe(false);
  });

  it('refuses garbage origins, including the opaque origin "null"', () => {
    for (const origin of ['null', '', 'not a url', '://', 'relay.example.org']) {
      expect(originAllowed(origin, 'relay.example.org', PUBLIC), JSON.stringify(origin)).toBe(false);
    }
  });

  it('refuses when the public URL itself is unparseable and the host does not match', () => {
    expect(originAllowed('https://relay.example.org', 'other:1', 'not a url')).toBe(false);
  });

  it('serves signalling on /ws', () => {
    expect(SIGNALING_PATH).toBe('/ws');
  });
});
