// `npm run admin -- <command> [--flag value ...]`: administers a running relay through its admin API.
// Sign-in comes from --url/--user/--password or SIGHTLINE_URL/SIGHTLINE_ADMIN_USER/SIGHTLINE_ADMIN_PASSWORD.
// `first-admin` works without a relay: it writes the seed file a new deployment starts from.
import { runCli, UsageError, type CliArgs } from './cli-args.ts';
import { writeFirstAdminSeed } from './first-admin.ts';

const cli = {
  name: 'admin',
  usage: `usage: npm run admin -- <command> [options]
commands:
  first-admin     --seed-file PATH --agency-id ID --agency-name NAME --username U --name NAME [--new-password P]
                  (no relay needed: writes a seed with one agency and its admin; start the relay with
                  SEED_FILE=PATH; without --new-password a password is generated and printed once)
  list-agencies
  list-users
  create-agency   --id ID --name NAME [--oidc JSON]
  create-user     --username U --name NAME --role officer|clinician|supervisor|admin --agency ID --new-password P [--on-call]
  create-device   --id ID --officer USER_ID --key KEY
  list-agreements
  create-agreement --to AGENCY_ID --scope all|marked
  revoke-agreement --id AGREEMENT_ID
  create-player   --id ID --clinician USER_ID --key KEY   (a WHEP player for that clinician)
  reset-mfa       --id USER_ID                            (the person enrols an authenticator again)
connection: --url URL (default http://127.0.0.1:8080) --user NAME --password PASSWORD [--code CODE]
            (--code or SIGHTLINE_ADMIN_CODE: the authenticator's code, when MFA is required)`,
  options: {
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    code: { type: 'string' },
    clinician: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    oidc: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string' },
    agency: { type: 'string' },
    'new-password': { type: 'string' },
    'on-call': { type: 'boolean', default: false },
    officer: { type: 'string' },
    key: { type: 'string' },
    to: { type: 'string' },
    scope: { type: 'string' },
    'seed-file': { type: 'string' },
    'agency-id': { type: 'string' },
    'agency-name': { type: 'string' },
  },
} as const;

type Values = CliArgs<typeof cli.options>['values'];

/** A refusal from the relay: reported in one line, exit 2. */
class ApiError extends Error {}

async function main({ values, positionals }: CliArgs<typeof cli.options>): Promise<number> {
  const required = (name: keyof Values): string => {
    const value = values[name];
    if (typeof value !== 'string') throw new UsageError(`${positionals[0]} needs --${name}`);
    return value;
  };
  const command = positionals[0];
  if (command === undefined) {
    console.log(cli.usage);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
  if (command === 'first-admin') {
    const path = required('seed-file');
    const { password, generated } = await writeFirstAdminSeed(path, {
      agencyId: required('agency-id'),
      agencyName: required('agency-name'),
      username: required('username'),
      name: required('name'),
      password: values['new-password'],
    });
    console.log(`Wrote ${path}: agency ${values['agency-id']} with admin ${values.username}. Start the relay with SEED_FILE=${path}.`);
    if (generated) console.log(`Password for ${values.username} (shown once): ${password}`);
    return 0;
  }

  const url = values.url ?? process.env.SIGHTLINE_URL ?? 'http://127.0.0.1:8080';
  const call = async (method: string, path: string, token: string | null, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : null;
    if (!response.ok) throw new ApiError(`${json?.error?.code ?? response.status}: ${json?.error?.message ?? text}`);
    return json;
  };
  const commands: Record<string, (token: string) => Promise<unknown>> = {
    'list-agencies': (token) => call('GET', '/api/agencies', token),
    'list-users': (token) => call('GET', '/api/admin/users', token),
    'create-agency': (token) =>
      call('POST', '/api/admin/agencies', token, { id: required('id'), name: required('name'), ...(values.oidc ? { oidc: JSON.parse(values.oidc) } : {}) }),
    'create-user': (token) =>
      call('POST', '/api/admin/users', token, {
        username: required('username'),
        name: required('name'),
        role: required('role'),
        agencyId: required('agency'),
        password: required('new-password'),
        onCall: values['on-call'],
      }),
    'create-device': (token) => call('POST', '/api/admin/devices', token, { id: required('id'), officerId: required('officer'), key: required('key') }),
    'list-agreements': (token) => call('GET', '/api/agreements', token),
    'create-agreement': (token) => call('POST', '/api/agreements', token, { toAgencyId: required('to'), scope: required('scope') }),
    'revoke-agreement': (token) => call('POST', `/api/agreements/${encodeURIComponent(required('id'))}/revoke`, token, {}),
    'create-player': (token) => call('POST', '/api/admin/players', token, { id: required('id'), clinicianId: required('clinician'), key: required('key') }),
    'reset-mfa': (token) => call('POST', `/api/admin/users/${encodeURIComponent(required('id'))}/mfa/reset`, token, {}),
  };
  const run = commands[command];
  if (!run) throw new UsageError(`unknown command ${command}`);
  const user = values.user ?? process.env.SIGHTLINE_ADMIN_USER;
  const password = values.password ?? process.env.SIGHTLINE_ADMIN_PASSWORD;
  if (!user || !password) throw new UsageError(`${command} needs --user and --password (or SIGHTLINE_ADMIN_USER/SIGHTLINE_ADMIN_PASSWORD)`);
  const answer = (await call('POST', '/api/session', null, { username: user, password })) as { token?: string; mfa?: { challenge: string; enrol: unknown } };
  let token = answer.token;
  if (answer.mfa) {
    // Admins answer a second factor: a code from their authenticator (enrol once through the web page).
    const code = values.code ?? process.env.SIGHTLINE_ADMIN_CODE;
    if (answer.mfa.enrol) throw new UsageError(`${user} has no authenticator yet: sign in once on the web page to enrol one`);
    if (!code) throw new UsageError(`${command} needs --code (or SIGHTLINE_ADMIN_CODE): the code your authenticator shows`);
    token = ((await call('POST', '/api/session/mfa', null, { challenge: answer.mfa.challenge, code })) as { token: string }).token;
  }
  if (!token) throw new Error('the relay gave no session');
  try {
    console.log(JSON.stringify(await run(token), null, 2));
  } finally {
    await call('DELETE', '/api/session', token);
  }
  return 0;
}

runCli(cli, main);
