// Page status for pages fed by server pushes (console, inbox): the debug state becomes `ready`
// once the first snapshot arrived, `error:<CODE>` while the socket is down, and back again.
import { setErrorState, setState } from '../media/debug-hooks.ts';
import { humanMessage, type SightlineError } from '../net/errors.ts';
import { clearStatus, setStatus } from './ui.ts';

export class PushStatus {
  private offline = false;
  private received = false;

  /** @param ready the debug state once data is on screen ('console', 'inbox'). */
  constructor(private readonly ready: string) {
    setState('loading');
    setStatus('Connecting…');
  }

  get hasData(): boolean {
    return this.received;
  }

  /** A snapshot arrived and is on screen. */
  snapshot(): void {
    if (this.offline) setStatus('Connection restored.', 'ok');
    else if (!this.received) clearStatus();
    this.offline = false;
    this.received = true;
    if (window.sightline.state !== this.ready) setState(this.ready);
  }

  /** The socket dropped; it reconnects by itself. */
  disconnected(error: SightlineError): void {
    if (!this.offline) setStatus(`${humanMessage(error.code, error.message)} Reconnecting…`, 'error');
    this.offline = true;
    setErrorState(error.code);
  }
}
