// Minimal `--name value` / `--flag` argument parsing for the operator CLIs.
export function parseArgs(argv: readonly string[], spec: { values: readonly string[]; flags: readonly string[] }) {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') ? (arg.slice(2).split(/=(.*)/s, 2) as [string, string?]) : [arg, undefined];
    if (spec.flags.includes(name) && inline === undefined) flags.add(name);
    else if (spec.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      values.set(name, value);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { values, flags };
}
