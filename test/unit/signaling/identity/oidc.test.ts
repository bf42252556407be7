import { describe, expect, it } from 'vitest';
import type { OidcSettings } from '../../../../signaling/identity/directory.ts';
import { mappedRole } from '../../../../signaling/identity/oidc.ts';

const settings: Pick<OidcSettings, 'roleClaim' | 'roleMap'> = {
  roleClaim: 'roles',
  roleMap: {
    'sl-officer': 'officer',
    'sl-clinician': 'clinician',
    'sl-supervisor': 'supervisor',
    'sl-admin': 'admin',
  },
};

describe('mappedRole', () => {
  it('maps a single string claim', () => {
    expect(mappedRole({ roles: 'sl-supervisor' }, settings)).toBe('supervisor');
    expect(mappedRole({ roles: 'sl-officer' }, settings)).toBe('officer');
  });

  it('maps a space-separated string claim', () => {
    expect(mappedRole({ roles: 'staff sl-clinician everyone' }, settings)).toBe('clinician');
    expect(mappedRole({ roles: 'staff  sl-admin' }, settings)).toBe('admin');
  });

  it('maps an array claim', () => {
    expect(mappedRole({ roles: ['staff', 'sl-officer'] }, settings)).toBe('officer');
    expect(mappedRole({ roles: ['sl-clinician'] }, settings)).toBe('clinician');
  });

  it('skips non-string array entries', () => {
    expect(mappedRole({ roles: [42, null, { role: 'sl-admin' }, 'sl-clinician'] }, settings)).toBe('clinician');
    expect(mappedRole({ roles: [42, null, ['sl-admin']] }, settings)).toBeUndefined();
  });

  it('is undefined when nothing maps', () => {
    expect(mappedRole({ roles: 'staff' }, settings)).toBeUndefined();
    expect(mappedRole({ roles: ['staff', 'everyone'] }, settings)).toBeUndefined();
    expect(mappedRole({ roles: [] }, settings)).toBeUndefined();
    expect(mappedRole({ roles: '' }, settings)).toBeUndefined();
    expect(mappedRole({}, settings)).toBeUndefined();
    expect(mappedRole({ roles: 7 }, settings)).toBeUndefined();
    expect(mappedRole({ roles: { 'sl-admin': true } }, settings)).toBeUndefined();
    // Matching is exact: no case folding, no substrings.
    expect(mappedRole({ roles: 'SL-ADMIN' }, settings)).toBeUndefined();
    expect(mappedRole({ roles: 'sl-admin-x' }, settings)).toBeUndefined();
  });

  it('never maps inherited object keys', () => {
    for (const value of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(mappedRole({ roles: value }, settings), value).toBeUndefined();
      expect(mappedRole({ roles: [value] }, settings), value).toBeUndefined();
    }
  });

  it('the first mapped value wins, in claim order', () => {
    expect(mappedRole({ roles: ['sl-officer', 'sl-admin'] }, settings)).toBe('officer');
    expect(mappedRole({ roles: ['sl-admin', 'sl-officer'] }, settings)).toBe('admin');
    expect(mappedRole({ roles: 'staff sl-supervisor sl-admin' }, settings)).toBe('supervisor');
    expect(mappedRole({ roles: 'sl-admin sl-supervisor' }, settings)).toBe('admin');
  });

  it('reads the configured claim only', () => {
    const groups = { ...settings, roleClaim: 'groups' };
    expect(mappedRole({ groups: ['sl-clinician'], roles: ['sl-admin'] }, groups)).toBe('clinician');
    expect(mappedRole({ roles: ['sl-admin'] }, groups)).toBeUndefined();
  });
});
