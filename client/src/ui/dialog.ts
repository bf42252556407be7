// Modal dialogs (<dialog> + showModal: focus is trapped, Escape closes). A dialog is created on
// demand inside `parent`, so test ids stay scoped to the card or row it belongs to and only one
// copy exists at a time; it is removed when closed and focus goes back to what opened it.
import { button, errorLine, onSubmit, uniqueId } from './form-fields.ts';
import { el } from './ui.ts';

export interface Modal {
  dialog: HTMLDialogElement;
  title: HTMLElement;
  /** Content area (between the title and the end of the dialog). */
  body: HTMLElement;
  close(): void;
}

export interface ModalOptions {
  parent: HTMLElement;
  /** Focus returns here on close (if it is still in the page). */
  opener: HTMLElement | null;
  title: string;
  testid: string;
  /** Fill the body before the dialog opens, so focus lands on its first control. */
  build(body: HTMLElement, modal: Modal): void;
  /** Called once, after the dialog closed for any reason. */
  closed?(): void;
}

export function openModal(options: ModalOptions): Modal {
  const dialog = el('dialog', 'modal');
  dialog.dataset.testid = options.testid;
  const title = el('h2', 'modal-title', options.title);
  title.id = uniqueId('dialog-title');
  dialog.setAttribute('aria-labelledby', title.id);
  const body = el('div', 'modal-body');
  dialog.append(title, body);
  const modal: Modal = { dialog, title, body, close: () => dialog.close() };
  dialog.addEventListener('close', () => {
    dialog.remove();
    options.closed?.();
    if (options.opener?.isConnected) options.opener.focus();
  });
  options.build(body, modal);
  options.parent.append(dialog);
  dialog.showModal();
  return modal;
}

export interface FormModalOptions extends Omit<ModalOptions, 'build'> {
  /** Controls (labels included) in order; may be empty for a plain confirmation. */
  fields: HTMLElement[];
  formTestid?: string;
  submitLabel: string;
  submitTestid: string;
  errorTestid: string;
  danger?: boolean;
  /** Do the work; throw to show an error. Resolve true to keep the dialog open (e.g. to show a result). */
  submit(modal: Modal): Promise<boolean | void>;
}

/** A dialog holding one form with Cancel and a submit button. */
export function openFormModal(options: FormModalOptions): Modal {
  return openModal({
    ...options,
    build(body, modal) {
      const form = el('form', 'modal-form');
      if (options.formTestid) form.dataset.testid = options.formTestid;
      const errors = errorLine(options.errorTestid);
      const submit = el('button', options.danger ? 'danger' : 'primary', options.submitLabel);
      submit.type = 'submit';
      submit.dataset.testid = options.submitTestid;
      const cancel = button('Cancel', 'dialog-cancel');
      cancel.addEventListener('click', () => modal.close());
      const actions = el('div', 'row modal-actions');
      actions.append(cancel, submit);
      form.append(...options.fields, errors, actions);
      body.append(form);
      onSubmit(form, submit, errors, async () => {
        const keepOpen = await options.submit(modal);
        if (!keepOpen) modal.close();
      });
    },
  });
}

export interface ConfirmOptions {
  parent: HTMLElement;
  opener: HTMLElement | null;
  title: string;
  /** What will happen, in a sentence or two. */
  message: string;
  confirmLabel: string;
  testid: string;
}

/** Asks before something that cannot be undone; resolves true only when the person confirms. */
export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    openFormModal({
      parent: options.parent,
      opener: options.opener,
      title: options.title,
      testid: options.testid,
      fields: [el('p', undefined, options.message)],
      submitLabel: options.confirmLabel,
      submitTestid: `${options.testid}-confirm`,
      errorTestid: `${options.testid}-error`,
      danger: true,
      submit: async () => {
        confirmed = true;
      },
      closed: () => resolve(confirmed),
    });
  });
}
