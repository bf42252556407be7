// Admin: one create form = read the fields, check them with the protocol's own schema (the same
// one the server applies), POST, then refresh. Problems are named by the field's label.
import type { z } from 'zod';
import { api } from '../../net/api.ts';
import { InvalidInput, onSubmit } from '../../ui/form-fields.ts';
import { setStatus } from '../../ui/ui.ts';

export interface AdminFormOptions<S extends z.ZodType> {
  form: HTMLFormElement;
  schema: S;
  /** The request body, before checking. */
  read(): unknown;
  path: string;
  /** Field name → how to say what is wrong with it. */
  problems: Record<string, string>;
  /** Announced after success. */
  success(body: z.output<S>): string;
  /** After success (refresh a list...). The form is reset first unless `keepValues`. */
  done?(): Promise<void> | void;
  /** Leave the values in place after success (e.g. a key that still has to be copied). */
  keepValues?: boolean;
}

/** A text field's value, trimmed; '' when empty. */
export const value = (form: HTMLFormElement, name: string): string => {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement
    ? control.value.trim()
    : '';
};

export const checked = (form: HTMLFormElement, name: string): boolean => {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLInputElement && control.checked;
};

function check<S extends z.ZodType>(schema: S, input: unknown, problems: Record<string, string>): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.');
    return problems[key] ?? problems[String(issue.path[0] ?? '')] ?? `${key || 'Form'}: ${issue.message}`;
  });
  throw new InvalidInput([...new Set(messages)].join(' '));
}

export function bindAdminForm<S extends z.ZodType>(options: AdminFormOptions<S>): void {
  const { form } = options;
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const errors = form.querySelector<HTMLElement>('.form-error');
  if (!submit || !errors) throw new Error(`#${form.id} needs a submit button and a .form-error line`);
  onSubmit(form, submit, errors, async () => {
    const body = check(options.schema, options.read(), options.problems);
    await api.post<unknown>(options.path, body);
    if (!options.keepValues) form.reset();
    setStatus(options.success(body), 'ok');
    await options.done?.();
  });
}
