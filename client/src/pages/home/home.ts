// The home page: lists the demo accounts while the relay runs the demo seed (GET /api/info says so).
import type { SiteInfo } from '../../../../signaling/protocol/http.ts';
import { apiRequest } from '../../net/api.ts';

const cell = (text: string, code = false): HTMLTableCellElement => {
  const td = document.createElement('td');
  if (code) td.append(Object.assign(document.createElement('code'), { textContent: text }));
  else td.textContent = text;
  return td;
};

async function showDemoAccounts(): Promise<void> {
  const info = await apiRequest<SiteInfo>('GET', '/api/info');
  const card = document.getElementById('demo-card');
  const body = document.getElementById('demo-accounts');
  if (!info.demoAccounts?.length || !card || !body) return;
  body.replaceChildren(
    ...info.demoAccounts.map((account) => {
      const row = document.createElement('tr');
      row.append(cell(account.role), cell(account.agency), cell(account.username, true), cell(account.password, true));
      return row;
    }),
  );
  card.hidden = false;
}

void showDemoAccounts().catch(() => undefined);
