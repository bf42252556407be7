import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS, auditEntriesCsv, csvCell, toCsv } from '../../../../signaling/audit/audit-csv.ts';
import { GENESIS_HASH, sealEntry } from '../../../../signaling/audit/audit-entry.ts';

describe('audit CSV', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-2)).toBe('-2'); // numbers are data
  });

  it('writes a header and CRLF-terminated rows', () => {
    expect(toCsv(['a', 'b'], [[1, 'x'], [null, 'y,z']])).toBe('a,b\r\n1,x\r\n,"y,z"\r\n');
  });

  it('has one row per entry with every field', () => {
    const entry = sealEntry(
      { seq: 0, hash: GENESIS_HASH },
      {
        action: 'join',
        outcome: 'allowed',
        actor: { id: 'u-clin', role: 'clinician', agencyId: 'health' },
        target: { incidentId: 'inc-1', agencyId: 'police', grantId: 'g-1' },
        source: { ip: '10.0.0.1', userAgent: 'Mozilla/5.0 (X11, Linux)', node: 'n1', connection: 'c-1' },
        detail: { permissions: 'view,talk' },
      },
      new Date(Date.UTC(2030, 0, 1)),
    );
    const [header, row, end] = auditEntriesCsv([entry]).split('\r\n');
    expect(header).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(end).toBe('');
    expect(row).toBe(
      `1,2030-01-01T00:00:00.000Z,join,allowed,,u-clin,clinician,health,inc-1,police,g-1,,10.0.0.1,"Mozilla/5.0 (X11, Linux)",n1,c-1,"{""permissions"":""view,talk""}",${GENESIS_HASH},${entry.hash}`,
    );
  });
});
