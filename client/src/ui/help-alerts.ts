// "An officer asked for help" alerts (`alert.help`), shown prominently at the top of the console
// and the clinician inbox. Each alert is role=alert (announced when it appears) with page-specific
// actions and a Dismiss button; one alert per incident.
import type { HelpAlert } from '../../../signaling/protocol/messages.ts';
import { agencyName } from '../net/agencies.ts';
import { AlertSignal } from './alert-signal.ts';
import { button, errorLine } from './form-fields.ts';
import { el, formatTime, toEpochMs } from './ui.ts';

export interface AlertView {
  alert: HelpAlert;
  root: HTMLElement;
  /** Where the page puts its action buttons and results. */
  actions: HTMLElement;
  /** Error line for those actions (data-testid help-error). */
  errors: HTMLElement;
}

export interface HelpAlertsOptions {
  /** Fill `view.actions` for a new alert. */
  build(view: AlertView): void;
  /** The person dismissed it. */
  dismissed?(incidentId: string): void;
}

export class HelpAlerts {
  private readonly views = new Map<string, AlertView>();
  /** Title count, tone and notification, so that a request reaches someone not looking. */
  private readonly signal = new AlertSignal();

  constructor(
    private readonly container: HTMLElement,
    private readonly options: HelpAlertsOptions,
  ) {
    // System notifications for later requests, if the person allows them at their first click.
    AlertSignal.askFromGesture();
  }

  /**
   * Show an alert (an alert for the same incident is replaced only if it is newer). A `quiet` one
   * (a request already announced, offered again) makes no tone or notification.
   */
  add(alert: HelpAlert, options: { quiet?: boolean } = {}): AlertView {
    const existing = this.views.get(alert.incidentId);
    if (existing && existing.alert.at >= alert.at) return existing;
    if (existing) this.remove(alert.incidentId);
    const root = el('div', 'help-alert');
    root.setAttribute('role', 'alert');
    root.dataset.testid = 'help-alert';
    root.dataset.incidentId = alert.incidentId;
    const text = el('p', 'help-alert-text');
    text.append(
      el('strong', undefined, `${alert.officerName} asked for help`),
      ` · ${agencyName(alert.agencyId)} · ${formatTime(toEpochMs(alert.at))}`,
    );
    const actions = el('div', 'row help-alert-actions');
    const errors = errorLine('help-error');
    const dismiss = button('Dismiss', 'help-dismiss', 'link-button');
    dismiss.setAttribute('aria-label', `Dismiss the help alert for ${alert.officerName}`);
    dismiss.addEventListener('click', () => {
      this.remove(alert.incidentId);
      this.options.dismissed?.(alert.incidentId);
    });
    root.append(text, actions, errors, dismiss);
    const view: AlertView = { alert, root, actions, errors };
    this.views.set(alert.incidentId, view);
    this.options.build(view);
    this.container.prepend(root);
    this.signal.update(this.views.size, options.quiet ? undefined : { officerName: alert.officerName });
    return view;
  }

  /**
   * Keeps the alerts to the open requests: adds the ones missing (a request made while the page
   * was away), removes those answered, withdrawn or ended, except any `keep` says to keep.
   */
  sync(open: readonly HelpAlert[], keep: (incidentId: string) => boolean = () => false): void {
    const wanted = new Set(open.map((alert) => alert.incidentId));
    for (const id of this.incidentIds()) if (!wanted.has(id) && !keep(id)) this.remove(id);
    for (const alert of open) if (!this.views.has(alert.incidentId)) this.add(alert);
  }

  has(incidentId: string): boolean {
    return this.views.has(incidentId);
  }

  get(incidentId: string): AlertView | undefined {
    return this.views.get(incidentId);
  }

  incidentIds(): string[] {
    return [...this.views.keys()];
  }

  remove(incidentId: string): void {
    const view = this.views.get(incidentId);
    if (!view) return;
    this.views.delete(incidentId);
    this.signal.update(this.views.size);
    const hadFocus = view.root.contains(document.activeElement);
    view.root.remove();
    // Do not strand keyboard focus on a removed alert.
    if (hadFocus) this.container.closest<HTMLElement>('main')?.querySelector<HTMLElement>('h1')?.focus();
  }
}
