import { describe, expect, it } from 'vitest';
import { mapTiles, tileSrc } from '../../../../client/src/ui/location-map.ts';

describe('the location map’s tiles', () => {
  it('covers the view around the point, the point at its centre', () => {
    // Zoom 1: four tiles of the world; the point (0, 0) is where they meet.
    const { tiles } = mapTiles(0, 0, 1, 256, 256);
    expect(tiles).toEqual([
      { z: 1, x: 0, y: 0, left: -128, top: -128 },
      { z: 1, x: 1, y: 0, left: 128, top: -128 },
      { z: 1, x: 0, y: 1, left: -128, top: 128 },
      { z: 1, x: 1, y: 1, left: 128, top: 128 },
    ]);
  });

  it('finds the street-level tile of a place, and the metres a pixel spans there', () => {
    // Toronto City Hall at zoom 16 is in tile (18316, 23917) (the usual slippy-map arithmetic).
    const { tiles, metresPerPixel } = mapTiles(43.6534, -79.3841, 16, 320, 180);
    expect(tiles.some((t) => t.x === 18316 && t.y === 23917)).toBe(true);
    expect(tiles.every((t) => t.left > -256 && t.left < 320 && t.top > -256 && t.top < 180)).toBe(true);
    expect(metresPerPixel).toBeGreaterThan(1.6);
    expect(metresPerPixel).toBeLessThan(1.8);
  });

  it('wraps across the antimeridian and fills the URL template', () => {
    const { tiles } = mapTiles(0, 179.999, 2, 512, 256);
    expect(tiles.map((t) => t.x)).toContain(0);
    expect(tileSrc('https://gis.example/tiles/{z}/{x}/{y}.png', { z: 16, x: 1, y: 2, left: 0, top: 0 })).toBe('https://gis.example/tiles/16/1/2.png');
  });
});
