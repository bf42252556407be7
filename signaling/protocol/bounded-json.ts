// Free-form JSON objects in the protocol (mediasoup's RTP capabilities and parameters, DTLS
// parameters) are checked by mediasoup itself, but only after they have been walked: a
// thousands-deep or huge object must not get that far. This schema bounds their shape (depth,
// number of values, string and key lengths) without recursion, so any input is cheap to reject.
// A leaf module (zod only): the browser client imports the protocol.
import { z } from 'zod';

export interface JsonBounds {
  /** Nesting levels below the top object (a value inside the top object is at depth 1). */
  maxDepth: number;
  /** Values in all (objects, arrays and primitives, the top object included). */
  maxValues: number;
  /** Characters in any string value or key. */
  maxStringLength: number;
}

/** Why `value` is out of bounds (a path and a reason), or null when it is within them. */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  let values = 0;
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    values += 1;
    if (values > bounds.maxValues) return `has more than ${bounds.maxValues} values`;
    if (typeof current === 'string') {
      if (current.length > bounds.maxStringLength) return `has a string longer than ${bounds.maxStringLength} characters at ${path || '(top)'}`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= bounds.maxDepth) return `is nested deeper than ${bounds.maxDepth} levels at ${path || '(top)'}`;
    const entries: Array<[string, unknown]> = Array.isArray(current) ? current.map((item, index) => [String(index), item]) : Object.entries(current);
    for (const [key, item] of entries) {
      if (key.length > bounds.maxStringLength) return `has a key longer than ${bounds.maxStringLength} characters at ${path || '(top)'}`;
      stack.push({ value: item, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return null;
}

/** A JSON object (not an array) within `bounds`; its contents are left to the media plane. */
export const boundedJsonObject = (bounds: JsonBounds) =>
  z.looseObject({}).superRefine((value, ctx) => {
    const problem = jsonBoundsProblem(value, bounds);
    if (problem) ctx.addIssue({ code: 'custom', message: `the object ${problem}` });
  });

/**
 * Bounds for mediasoup parameter objects. A browser's RTP capabilities are 4 levels deep and a
 * few hundred values (codecs × parameters and feedback); these leave ample room for any client.
 */
export const MEDIA_OBJECT_BOUNDS: JsonBounds = { maxDepth: 8, maxValues: 5000, maxStringLength: 1024 };
