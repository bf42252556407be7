// npm run evidence:verify -- <export dir> [--json]
//
// Checks an evidence export offline (an unpacked `GET /api/incidents/:id/recordings/export`): the
// manifest's signature against the included public key, every segment present and unaltered,
// order and times consistent, and the audit extract's hash chain covering every segment and the
// seal. Prints the first problem. Exit status: 0 intact, 1 a problem found, 2 could not verify.
import { stat } from 'node:fs/promises';
import { verifyEvidence } from '../recording/evidence-verify.ts';
import { runCli, UsageError } from './cli-args.ts';

const cli = {
  name: 'evidence:verify',
  usage: `usage: npm run evidence:verify -- <export dir> [--json]
Checks an unpacked evidence export: manifest signature (against its public-key.jwk), every segment's
SHA-256, order and times, and the audit extract's hash chain against the manifest.
  <export dir>   the folder holding manifest.json (e.g. the inc-… folder of the unpacked tar)
  --json         machine-readable result
Exit status: 0 intact, 1 a problem found (the first one is named), 2 could not verify.`,
  options: { json: { type: 'boolean', default: false } },
} as const;

runCli(cli, async ({ positionals, values }) => {
  if (positionals.length !== 1) throw new UsageError('name exactly one export directory');
  const dir = positionals[0]!;
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`${dir} is not a directory`);
  const result = await verifyEvidence(dir);
  if (values.json) console.log(JSON.stringify(result));
  else if (result.ok) {
    console.log(
      `evidence intact: incident ${result.incidentId}, ${result.tracks} tracks, ${result.segments} segments` +
        `${result.incomplete ? ` (${result.incomplete} incomplete, as the manifest records)` : ''}, ` +
        `${result.auditEntries} audit entries, manifest sha256 ${result.manifestSha256}, signed by key ${result.kid ?? '(no kid)'}`,
    );
  } else console.error(`evidence:verify: ${result.problem}`);
  return result.ok ? 0 : 1;
});
