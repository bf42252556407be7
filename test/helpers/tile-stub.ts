// A local XYZ tile server for tests (no map service is reachable here): answers every
// /tiles/{z}/{x}/{y}.png with a small PNG and remembers which tiles were asked for.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export interface TileStub {
  /** The tile URL template to configure (MAP_TILE_URL). */
  template: string;
  requested: Array<{ z: number; x: number; y: number }>;
  close(): Promise<void>;
}

export async function startTileStub(): Promise<TileStub> {
  const requested: TileStub['requested'] = [];
  const server = createServer((request, response) => {
    const match = /^\/tiles\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(request.url ?? '');
    if (!match) return void response.writeHead(404).end();
    requested.push({ z: Number(match[1]), x: Number(match[2]), y: Number(match[3]) });
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    template: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png`,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
