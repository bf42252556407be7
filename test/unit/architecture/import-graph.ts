// The project's import graph, read from the sources: each file's relative imports (type-only
// imports included: a type import ties two modules as much as a value import does).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface SourceFile {
  /** Path from the repository root, with forward slashes. */
  path: string;
  lines: number;
  imports: string[];
}

const SOURCE_EXTENSIONS = /\.(ts|mts|tsx)$/;

function listSources(root: string, folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (SOURCE_EXTENSIONS.test(name) && !name.endsWith('.d.ts')) found.push(full);
    }
  };
  walk(join(root, folder));
  return found;
}

/** Reads every source file under `folders` (relative to `root`) with its relative imports resolved. */
export function readImportGraph(root: string, folders: readonly string[]): SourceFile[] {
  return folders.flatMap((folder) =>
    listSources(root, folder).map((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = ts
        .preProcessFile(text, true, true)
        .importedFiles.map((ref) => ref.fileName)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => toPosix(relative(root, resolve(dirname(file), spec))));
      return { path: toPosix(relative(root, file)), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), imports };
    }),
  );
}

const toPosix = (path: string) => path.split('\\').join('/');

/** Every import cycle, as its strongly connected component of files (Tarjan). Pure. */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (edges.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
