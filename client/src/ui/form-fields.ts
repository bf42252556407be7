// Building blocks for forms made in code: labelled controls, checkboxes, an error line, and one
// submit handler that disables the button, shows errors with their human wording, and sends the
// page back to sign-in when the session is gone.
import { isSessionError, toSightlineError, humanMessage } from '../net/errors.ts';
import { sessionLost } from './session.ts';
import { el, show } from './ui.ts';

let counter = 0;
/** An id unique in the page. */
export const uniqueId = (prefix: string): string => `${prefix}-${++counter}`;

/** Thrown by a form's own checks: its message is shown as is. */
export class InvalidInput extends Error {}

/** Label + control (a unique id links them). Returns the label followed by the control. */
export function field<T extends HTMLElement>(text: string, control: T, testid?: string, hint?: string): HTMLElement[] {
  control.id ||= uniqueId('field');
  if (testid) control.dataset.testid = testid;
  const label = el('label', undefined, text);
  label.htmlFor = control.id;
  if (!hint) return [label, control];
  const help = el('p', 'hint field-hint', hint);
  help.id = uniqueId('hint');
  control.setAttribute('aria-describedby', help.id);
  return [label, control, help];
}

export function input(type: string, value = '', attributes: Record<string, string> = {}): HTMLInputElement {
  const element = el('input');
  element.type = type;
  element.value = value;
  for (const [name, attr] of Object.entries(attributes)) element.setAttribute(name, attr);
  return element;
}

/** Whole minutes, at least `min`. */
export const minutesInput = (value: number, min = 1): HTMLInputElement =>
  input('number', String(value), { min: String(min), step: '1', inputmode: 'numeric' });

/** Reads a minutes field as seconds, or throws InvalidInput. */
export function readMinutes(element: HTMLInputElement): number {
  const minutes = Number(element.value);
  if (!Number.isFinite(minutes) || minutes < 1) throw new InvalidInput('Enter a duration of at least 1 minute.');
  return Math.round(minutes * 60);
}

export function selectOf(options: Array<[value: string, text: string]>, value?: string): HTMLSelectElement {
  const select = el('select');
  for (const [optionValue, text] of options) select.append(new Option(text, optionValue));
  if (value !== undefined) select.value = value;
  return select;
}

export function checkbox(text: string, testid: string, checked: boolean): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const box = input('checkbox');
  box.checked = checked;
  box.dataset.testid = testid;
  const wrap = el('label', 'check');
  wrap.append(box, ` ${text}`);
  return { wrap, input: box };
}

export function button(text: string, testid: string, className?: string): HTMLButtonElement {
  const element = el('button', className, text);
  element.type = 'button';
  element.dataset.testid = testid;
  return element;
}

/** An error line (role=alert, hidden while empty). */
export function errorLine(testid: string): HTMLParagraphElement {
  const line = el('p', 'form-error');
  line.dataset.testid = testid;
  line.setAttribute('role', 'alert');
  line.hidden = true;
  return line;
}

/** Show (or clear, with null) an error: its human wording, its code in data-code. */
export function showError(line: HTMLElement, error: unknown): void {
  if (error === null) {
    line.textContent = '';
    delete line.dataset.code;
    show(line, false);
    return;
  }
  if (error instanceof InvalidInput) {
    line.textContent = error.message;
    line.dataset.code = 'INVALID_INPUT';
  } else {
    const e = toSightlineError(error);
    // BAD_REQUEST's server text says which field is wrong: keep it.
    const detail = e.code === 'BAD_REQUEST' && e.message ? ` (${e.message})` : '';
    line.textContent = humanMessage(e.code, e.message) + detail;
    line.dataset.code = e.code;
  }
  show(line);
}

/**
 * Run `action` for a submitted form (or a clicked button): the trigger is disabled meanwhile,
 * errors go to `errors`. A gone session sends the page back to sign-in.
 */
export async function runAction(trigger: HTMLButtonElement | HTMLInputElement, errors: HTMLElement, action: () => Promise<void>): Promise<boolean> {
  showError(errors, null);
  trigger.disabled = true;
  try {
    await action();
    return true;
  } catch (error) {
    const e = error instanceof InvalidInput ? null : toSightlineError(error);
    if (e && isSessionError(e)) void sessionLost(e);
    else showError(errors, error);
    return false;
  } finally {
    trigger.disabled = false;
  }
}

/** Wire a form's submit to runAction. */
export function onSubmit(form: HTMLFormElement, submit: HTMLButtonElement, errors: HTMLElement, action: () => Promise<void>): void {
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runAction(submit, errors, action);
  });
}
