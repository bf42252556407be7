// The sign-in form, built into each page's empty <section id="signin" data-title="..."> so that
// the markup (ids and test ids) exists once: #signin-form, #signin-username, #signin-password,
// #signin-error and a submit button.
import { el } from './ui.ts';

function textField(id: string, label: string, testid: string, attributes: Record<string, string>): HTMLElement[] {
  const text = el('label', undefined, label);
  text.htmlFor = id;
  const input = el('input');
  input.id = id;
  input.required = true;
  input.dataset.testid = testid;
  for (const [name, value] of Object.entries(attributes)) input.setAttribute(name, value);
  return [text, input];
}

/** Fill `section` with the form (once). */
export function buildSignInForm(section: HTMLElement): void {
  if (section.querySelector('form')) return;
  const title = el('h1', undefined, section.dataset.title ?? 'Sign in');
  title.id = 'signin-title';
  section.setAttribute('aria-labelledby', title.id);
  const form = el('form');
  form.id = 'signin-form';
  form.noValidate = true;
  const error = el('p', 'form-error');
  error.id = 'signin-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  error.dataset.testid = 'login-error';
  const submit = el('button', 'primary', 'Sign in');
  submit.type = 'submit';
  submit.dataset.testid = 'login-submit';
  form.append(
    ...textField('signin-username', 'Username', 'login-username', {
      name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    }),
    ...textField('signin-password', 'Password', 'login-password', {
      name: 'password', type: 'password', autocomplete: 'current-password',
    }),
    error,
    submit,
  );
  section.replaceChildren(title, form);
}
