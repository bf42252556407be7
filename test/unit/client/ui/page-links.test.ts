import { describe, expect, it } from 'vitest';
import { pageLinks } from '../../../../client/src/ui/page-links.ts';

describe('the pages a role works in', () => {
  it('links a supervisor between the console and the audit, never to the page they are on', () => {
    expect(pageLinks('supervisor', '/supervisor.html').map((l) => l.href)).toEqual(['./audit.html']);
    expect(pageLinks('supervisor', '/audit.html').map((l) => l.href)).toEqual(['./supervisor.html']);
    expect(pageLinks('supervisor', '/').map((l) => l.href)).toEqual(['./supervisor.html', './audit.html']);
  });

  it('gives a one-page role nothing to link to from its own page', () => {
    expect(pageLinks('officer', '/officer.html')).toEqual([]);
    expect(pageLinks('clinician', '/inbox.html')).toEqual([]);
    expect(pageLinks('admin', '/admin.html')).toEqual([]);
  });
});
