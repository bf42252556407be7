// A granted link, ready to pass on: read-only field, Copy and Open. Shown after a grant is made
// in the grant dialog and in a help alert.
import type { GrantResponse } from '../../../../signaling/protocol/http.ts';
import { button, field } from '../../ui/form-fields.ts';
import { el, formatTime, setStatus, toEpochMs } from '../../ui/ui.ts';

async function copyText(text: string, input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.select();
    return document.execCommand('copy');
  }
}

/** The result block (data-testid grant-result, grant-link, grant-copy, grant-open). Focus `input` to offer it. */
export function grantLinkView(grant: GrantResponse, who: string): { root: HTMLElement; input: HTMLInputElement } {
  const root = el('div', 'grant-result');
  root.dataset.testid = 'grant-result';
  const input = el('input');
  input.readOnly = true;
  input.value = grant.link;
  const labelled = field(`Link for ${who}, valid until ${formatTime(toEpochMs(grant.expiresAt))}`, input, 'grant-link');
  const copy = button('Copy', 'grant-copy');
  const open = el('a', 'button-link', 'Open');
  open.dataset.testid = 'grant-open';
  open.href = grant.link;
  open.target = '_blank';
  open.rel = 'noopener noreferrer';
  const actions = el('div', 'row');
  actions.append(copy, open);
  root.append(...labelled, actions);

  copy.addEventListener('click', async () => {
    const ok = await copyText(input.value, input);
    copy.textContent = ok ? 'Copied' : 'Copy failed: select the link and copy it';
    setStatus(ok ? 'Link copied.' : 'Could not copy automatically. Select the link and copy it.', ok ? 'ok' : 'warn');
  });
  return { root, input };
}
