// Supervisor: help alerts with a one-step "Grant <first on-call clinician>" (view + talk, 30
// minutes). Alerts come from `alert.help`, and also from the console snapshot, so that a request
// made while the socket was reconnecting (or before the page opened) is not missed.
import type { HelpAlert, IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { button, runAction } from '../../ui/form-fields.ts';
import { grantLinkView } from './grant-link-view.ts';
import { createGrant, listClinicians } from '../../net/grants-api.ts';
import { HelpAlerts, type AlertView } from '../../ui/help-alerts.ts';
import { setStatus } from '../../ui/ui.ts';

const HELP_GRANT_SECONDS = 30 * 60;

export class ConsoleHelp {
  private readonly alerts: HelpAlerts;
  /** Incidents whose current help request was dismissed; forgotten when the request ends. */
  private readonly dismissed = new Set<string>();

  /** `chooseClinician` opens the incident's grant dialog (when nobody is on call). */
  constructor(
    container: HTMLElement,
    private readonly chooseClinician: (incidentId: string, opener: HTMLElement) => void,
  ) {
    this.alerts = new HelpAlerts(container, {
      build: (view) => this.build(view),
      dismissed: (incidentId) => this.dismissed.add(incidentId),
    });
  }

  onAlert(alert: HelpAlert): void {
    this.dismissed.delete(alert.incidentId); // a new request: show it even if an older one was dismissed
    this.alerts.add(alert);
  }

  /**
   * Keep alerts in step with the console snapshot: an alert goes when its request does (answered,
   * withdrawn, the incident ended). One whose link was made here stays while that link is of use:
   * the incident live, its grant active, and its clinician not yet watching.
   */
  sync(incidents: readonly IncidentSummary[]): void {
    const live = new Map(incidents.map((incident) => [incident.id, incident]));
    for (const id of [...this.dismissed]) if (!live.get(id)?.helpRequested) this.dismissed.delete(id);
    const open = incidents
      .filter((incident) => incident.helpRequested && !this.dismissed.has(incident.id))
      .map((incident) => ({ incidentId: incident.id, agencyId: incident.agencyId, officerName: incident.officer.name, at: incident.helpRequestedAt ?? incident.startedAt }));
    // A link whose grant ended (revoked, expired) is of no use: the alert offers a grant again.
    for (const id of this.alerts.incidentIds()) {
      if (!this.alerts.get(id)?.root.dataset.grantId || this.linkInUse(id, live.get(id))) continue;
      this.alerts.remove(id);
      const still = open.find((alert) => alert.incidentId === id);
      if (still) this.alerts.add(still, { quiet: true });
    }
    this.alerts.sync(open, (id) => this.linkInUse(id, live.get(id)));
  }

  private linkInUse(incidentId: string, incident: IncidentSummary | undefined): boolean {
    const grantId = this.alerts.get(incidentId)?.root.dataset.grantId;
    const grant = grantId ? incident?.grants.find((g) => g.id === grantId) : undefined;
    return grant !== undefined && grant.status === 'active' && !grant.watching;
  }

  private build(view: AlertView): void {
    const grant = button('Finding an on-call clinician…', 'help-grant', 'primary');
    grant.disabled = true;
    view.actions.append(grant);
    listClinicians(view.alert.incidentId).then(
      (clinicians) => {
        const onCall = clinicians.find((clinician) => clinician.onCall);
        if (!onCall) return this.offerChoice(view, grant);
        grant.textContent = `Grant ${onCall.name}`;
        grant.setAttribute('aria-label', `Grant ${onCall.name} watch and talk access for 30 minutes`);
        grant.disabled = false;
        grant.addEventListener('click', () =>
          void runAction(grant, view.errors, async () => {
            const response = await createGrant(view.alert.incidentId, onCall.id, ['view', 'talk'], HELP_GRANT_SECONDS);
            const link = grantLinkView(response, onCall.name);
            view.root.dataset.grantId = response.grantId;
            view.actions.replaceChildren(link.root);
            setStatus(`Access granted to ${onCall.name} for 30 minutes. Send them the link.`, 'ok');
            link.input.focus();
            link.input.select();
          }),
        );
      },
      () => this.offerChoice(view, grant),
    );
  }

  /** Nobody on call (or the list failed): offer the full grant dialog instead. */
  private offerChoice(view: AlertView, grant: HTMLButtonElement): void {
    const choose = button('No clinician on call: choose one…', 'help-choose', 'primary');
    choose.addEventListener('click', () => this.chooseClinician(view.alert.incidentId, choose));
    grant.replaceWith(choose);
  }
}
