// A help request must reach someone who is not looking at the page: the tab's title counts the
// open requests, a short two-note tone sounds when one arrives, and a system notification is
// shown when the person has allowed them (asked once, from a click: browsers refuse a prompt
// that no gesture started). The title logic is pure (`alertTitle`).
import { chime } from './chime.ts';

/** The page's title with the number of open help requests in front of it. */
export function alertTitle(baseTitle: string, open: number): string {
  return open > 0 ? `(${open}) Help requested · ${baseTitle}` : baseTitle;
}

/** Shows the title count, and for a new request sounds the tone and a notification. */
export class AlertSignal {
  private readonly baseTitle = document.title;

  /** The number of open requests changed; `arrived` names a new one. */
  update(open: number, arrived?: { officerName: string }): void {
    document.title = alertTitle(this.baseTitle, open);
    if (!arrived) return;
    chime('help');
    if ('Notification' in window && Notification.permission === 'granted') {
      const notification = new Notification(`${arrived.officerName} asked for help`, { body: 'Open Sightline to respond.', tag: 'sightline-help' });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
    }
  }

  /** Asks for notification permission, once, from a click. */
  static askFromGesture(): void {
    if (!('Notification' in window) || Notification.permission !== 'default') return;
    const ask = () => void Notification.requestPermission().catch(() => undefined);
    document.addEventListener('click', ask, { once: true });
  }
}
