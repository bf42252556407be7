// Writes a file whole or not at all: a new file beside it, renamed over it.
import { rename, writeFile } from 'node:fs/promises';

export async function replaceFile(path: string, bytes: Buffer): Promise<void> {
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}
