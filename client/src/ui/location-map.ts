// A small map of a shared location, drawn from the configured XYZ tile server (the agency's own
// GIS, or OpenStreetMap): the tiles around the point at street level, a marker, the accuracy as a
// circle, and the tile server's attribution. A static view (no panning): "Open map" links to a
// full map. The tile arithmetic is pure (`mapTiles`).
import { el } from './ui.ts';

export interface MapSource {
  /** XYZ tile URL with {z}, {x} and {y}. */
  tileUrl: string;
  attribution: string;
}

export interface MapTile {
  z: number;
  x: number;
  y: number;
  /** Where the tile's top-left corner sits in the view, px. */
  left: number;
  top: number;
}

const TILE = 256;
export const MAP_ZOOM = 16;
export const MAP_WIDTH = 320;
export const MAP_HEIGHT = 180;

/** The tiles that cover a `width`×`height` view centred on the point, and the metres a pixel spans there. Pure. */
export function mapTiles(lat: number, lon: number, zoom: number, width: number, height: number): { tiles: MapTile[]; metresPerPixel: number } {
  const n = 2 ** zoom;
  const rad = (lat * Math.PI) / 180;
  const px = ((lon + 180) / 360) * n * TILE;
  const py = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n * TILE;
  const left = px - width / 2;
  const top = py - height / 2;
  const tiles: MapTile[] = [];
  for (let ty = Math.floor(top / TILE); ty <= Math.floor((top + height - 1) / TILE); ty++) {
    if (ty < 0 || ty >= n) continue;
    for (let tx = Math.floor(left / TILE); tx <= Math.floor((left + width - 1) / TILE); tx++) {
      tiles.push({ z: zoom, x: ((tx % n) + n) % n, y: ty, left: Math.round(tx * TILE - left), top: Math.round(ty * TILE - top) });
    }
  }
  return { tiles, metresPerPixel: (156_543.033_92 * Math.cos(rad)) / n };
}

export const tileSrc = (template: string, tile: MapTile): string =>
  template.replace('{z}', String(tile.z)).replace('{x}', String(tile.x)).replace('{y}', String(tile.y));

/** The map of a location, as an element to put in the page. */
export function locationMap(source: MapSource, location: { lat: number; lon: number; accuracy: number }, label: string): HTMLElement {
  const figure = el('figure', 'location-map');
  figure.dataset.testid = 'incident-map';
  const view = el('div', 'location-map-view');
  view.setAttribute('role', 'img');
  view.setAttribute('aria-label', label);
  view.style.width = `${MAP_WIDTH}px`;
  view.style.height = `${MAP_HEIGHT}px`;
  const { tiles, metresPerPixel } = mapTiles(location.lat, location.lon, MAP_ZOOM, MAP_WIDTH, MAP_HEIGHT);
  for (const tile of tiles) {
    const img = el('img', 'location-map-tile');
    img.alt = '';
    img.referrerPolicy = 'no-referrer';
    img.width = TILE;
    img.height = TILE;
    img.style.left = `${tile.left}px`;
    img.style.top = `${tile.top}px`;
    img.src = tileSrc(source.tileUrl, tile);
    view.append(img);
  }
  const radius = Math.max(6, Math.min(MAP_WIDTH, location.accuracy / metresPerPixel));
  const circle = el('span', 'location-map-accuracy');
  circle.style.width = circle.style.height = `${Math.round(radius * 2)}px`;
  const marker = el('span', 'location-map-marker');
  view.append(circle, marker);
  figure.append(view, el('figcaption', 'location-map-credit', source.attribution));
  return figure;
}
