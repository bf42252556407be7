// Admin: the agencies (GET /api/agencies) and "Add an agency" (POST /api/admin/agencies), with an
// optional OIDC sign-in configuration.
import type { AgencyInfo } from '../../../../signaling/protocol/http.ts';
import { adminAgencyBody } from '../../../../signaling/protocol/http.ts';
import { bindAdminForm, value } from './admin-form.ts';
import { InvalidInput } from '../../ui/form-fields.ts';
import { el } from '../../ui/ui.ts';

export function renderAgencies(list: HTMLElement, agencies: readonly AgencyInfo[]): void {
  list.replaceChildren(
    ...agencies.map((agency) => {
      const item = el('li', 'admin-row');
      item.dataset.testid = 'agency-row';
      item.dataset.agencyId = agency.id;
      item.append(el('strong', undefined, agency.name), el('span', 'meta', ` ${agency.id}`));
      if (agency.oidc) item.append(el('span', 'meta', ` · sign-in via ${agency.oidc.issuer}`));
      return item;
    }),
  );
}

function readRoleMap(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InvalidInput('Role map: enter JSON, e.g. {"crisis-team": "clinician"}.');
  }
}

/** The OIDC part is sent only when any of its fields is filled in. */
function readOidc(form: HTMLFormElement): unknown {
  const fields = ['issuer', 'jwksUrl', 'audience', 'roleClaim', 'roleMap'].map((name) => value(form, name));
  if (fields.every((field) => field === '')) return undefined;
  const [issuer, jwksUrl, audience, roleClaim, roleMap] = fields;
  return {
    issuer,
    jwksUrl,
    audience,
    ...(roleClaim ? { roleClaim } : {}),
    roleMap: roleMap ? readRoleMap(roleMap) : {},
  };
}

export function bindAgencyForm(form: HTMLFormElement, refresh: () => Promise<void>): void {
  bindAdminForm({
    form,
    schema: adminAgencyBody,
    path: '/api/admin/agencies',
    read: () => ({ id: value(form, 'id'), name: value(form, 'name'), oidc: readOidc(form) }),
    problems: {
      id: 'Id: use 2–64 lowercase letters, digits or hyphens.',
      name: 'Name: enter the agency name (up to 120 characters).',
      'oidc.issuer': 'Issuer URL: enter the full https:// address of the identity provider.',
      'oidc.jwksUrl': 'JWKS URL: enter the full https:// address of the signing keys.',
      'oidc.audience': 'Audience: enter the client id the provider puts in its tokens.',
      'oidc.roleClaim': 'Role claim: enter the claim that holds the roles.',
      'oidc.roleMap': 'Role map: map role names to officer, clinician, supervisor or admin.',
    },
    success: (body) => `Agency ${body.name} added.`,
    done: refresh,
  });
}
