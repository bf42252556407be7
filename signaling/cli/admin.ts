// `npm run admin -- <command> [--flag value ...]`: administers a running relay through its admin API.
// Sign-in comes from --url/--user/--password or SIGHTLINE_URL/SIGHTLINE_ADMIN_USER/SIGHTLINE_ADMIN_PASSWORD.
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run admin -- <command> [options]
commands:
  list-agencies
  list-users
  create-agency   --id ID --name NAME [--oidc JSON]
  create-user     --username U --name NAME --role officer|clinician|supervisor|admin --agency ID --new-password P [--on-call]
  create-device   --id ID --officer USER_ID --key KEY
  list-agreements
  create-agreement --to AGENCY_ID --scope all|marked
  revoke-agreement --id AGREEMENT_ID
connection: --url URL (default http://127.0.0.1:8080) --user NAME --password PASSWORD`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.SIGHTLINE_URL ?? 'http://127.0.0.1:8080' },
    user: { type: 'string', default: process.env.SIGHTLINE_ADMIN_USER },
    password: { type: 'string', default: process.env.SIGHTLINE_ADMIN_PASSWORD },
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
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function call(method: string, path: string, token: string | null, body?: unknown): Promise<unknown> {
  const response = await fetch(`${values.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : null;
  if (!response.ok) fail(`${json?.error?.code ?? response.status}: ${json?.error?.message ?? text}`);
  return json;
}

const required = (name: keyof typeof values): string => (values[name] as string | undefined) ?? fail(`missing --${name}\n\n${USAGE}`);

async function main(): Promise<void> {
  const command = positionals[0] ?? fail(USAGE);
  if (!values.user || !values.password) fail(`missing --user/--password\n\n${USAGE}`);
  const { token } = (await call('POST', '/api/session', null, { username: values.user, password: values.password })) as { token: string };
  const commands: Record<string, () => Promise<unknown>> = {
    'list-agencies': () => call('GET', '/api/agencies', token),
    'list-users': () => call('GET', '/api/admin/users', token),
    'create-agency': () =>
      call('POST', '/api/admin/agencies', token, { id: required('id'), name: required('name'), ...(values.oidc ? { oidc: JSON.parse(values.oidc) } : {}) }),
    'create-user': () =>
      call('POST', '/api/admin/users', token, {
        username: required('username'),
        name: required('name'),
        role: required('role'),
        agencyId: required('agency'),
        password: required('new-password'),
        onCall: values['on-call'],
      }),
    'create-device': () => call('POST', '/api/admin/devices', token, { id: required('id'), officerId: required('officer'), key: required('key') }),
    'list-agreements': () => call('GET', '/api/agreements', token),
    'create-agreement': () => call('POST', '/api/agreements', token, { toAgencyId: required('to'), scope: required('scope') }),
    'revoke-agreement': () => call('POST', `/api/agreements/${encodeURIComponent(required('id'))}/revoke`, token, {}),
  };
  const run = commands[command] ?? fail(`unknown command ${command}\n\n${USAGE}`);
  console.log(JSON.stringify(await run(), null, 2));
  await call('DELETE', '/api/session', token);
}

main().catch((error) => fail(`admin: ${(error as Error).message}`));
