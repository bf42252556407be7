// An uncompressed POSIX ustar archive written as a stream: a 512-byte header per file, its
// content padded to 512 bytes, and two zero blocks at the end. Enough for an evidence export
// (regular files, names under 100 bytes); readable by `tar -xf`.
import { Readable } from 'node:stream';

export interface TarFile {
  /** Path inside the archive, at most 99 bytes, `/`-separated. */
  name: string;
  size: number;
  mtime?: Date;
  content: () => AsyncIterable<Buffer> | Iterable<Buffer>;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

export function tarHeader(file: Pick<TarFile, 'name' | 'size' | 'mtime'>): Buffer {
  if (Buffer.byteLength(file.name) > 99) throw new Error(`tar name too long: ${file.name}`);
  const header = Buffer.alloc(BLOCK);
  header.write(file.name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(file.size, 12), 124);
  header.write(octal(Math.floor((file.mtime ?? new Date()).getTime() / 1000), 12), 136);
  header.write('        ', 148); // checksum field counts as spaces while summing
  header.write('0', 156); // regular file
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

export function tarStream(files: Iterable<TarFile>): Readable {
  async function* blocks() {
    for (const file of files) {
      yield tarHeader(file);
      let written = 0;
      for await (const chunk of file.content()) {
        written += chunk.length;
        yield chunk;
      }
      if (written !== file.size) throw new Error(`${file.name} changed while it was archived (${written} of ${file.size} bytes)`);
      if (written % BLOCK) yield Buffer.alloc(BLOCK - (written % BLOCK));
    }
    yield Buffer.alloc(BLOCK * 2);
  }
  return Readable.from(blocks());
}
