// Officer: the "Share my location" toggle. While on, positions from watchPosition are sent as
// `incident.location` (at most every few seconds unless the officer moved); turning it off, or
// the stream ending, sends `{ location: null }` once.
import type { GeoLocation } from '../../../../signaling/protocol/messages.ts';
import { describeError } from '../../net/errors.ts';
import { setStatus } from '../../ui/ui.ts';

export interface LocationTarget {
  setLocation(location: GeoLocation | null): Promise<void>;
}

const MIN_INTERVAL_MS = 5000;
/** Send sooner than MIN_INTERVAL_MS when the position moved more than this (metres, roughly). */
const MIN_MOVE_METRES = 25;
const MAX_ACCURACY_METRES = 100_000;

const GEO_ERRORS: Record<number, string> = {
  1: 'Location access is blocked. Allow it in the browser settings to share your location.',
  2: 'Your location is not available right now.',
  3: 'Finding your location took too long.',
};

/** Approximate distance in metres (equirectangular; fine for a few hundred metres). */
function metresBetween(a: GeoLocation, b: GeoLocation): number {
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.hypot(x, y) * 6_371_000;
}

export class LocationShare {
  private watchId: number | null = null;
  private target: LocationTarget | null = null;
  private last: { at: number; location: GeoLocation } | null = null;

  /** `button` is a toggle (aria-pressed) that the controller keeps in step. */
  constructor(readonly button: HTMLButtonElement) {
    button.addEventListener('click', () => (this.sharing ? this.stop(true) : this.start()));
    this.render();
  }

  get sharing(): boolean {
    return this.watchId !== null;
  }

  /** Where positions go (the live stream), or null when not live: sharing stops without a message. */
  setTarget(target: LocationTarget | null): void {
    if (!target) this.stop(false);
    this.target = target;
    this.button.disabled = target === null;
  }

  private start(): void {
    if (!this.target) return;
    if (!('geolocation' in navigator)) {
      setStatus('This device cannot share its location.', 'error');
      return;
    }
    this.last = null;
    this.watchId = navigator.geolocation.watchPosition(
      (position) => this.onPosition(position),
      (error) => {
        setStatus(GEO_ERRORS[error.code] ?? 'Your location is not available right now.', 'error');
        if (error.code === error.PERMISSION_DENIED) this.stop(true);
      },
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 30_000 },
    );
    this.render();
    setStatus('Sharing your location with those who can see this incident.', 'ok');
  }

  /** Stop watching; `tell` sends `{ location: null }` so viewers stop seeing a stale position. */
  private stop(tell: boolean): void {
    if (this.watchId === null) return;
    navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
    this.last = null;
    this.render();
    if (tell && this.target) {
      this.send(null);
      setStatus('Location sharing is off.', 'info');
    }
  }

  private onPosition(position: GeolocationPosition): void {
    const { latitude, longitude, accuracy } = position.coords;
    const location: GeoLocation = {
      lat: latitude,
      lon: longitude,
      accuracy: Math.min(MAX_ACCURACY_METRES, Math.max(0, Math.round(accuracy))),
    };
    const now = Date.now();
    const last = this.last;
    if (last && now - last.at < MIN_INTERVAL_MS && metresBetween(last.location, location) < MIN_MOVE_METRES) return;
    this.last = { at: now, location };
    this.send(location);
  }

  private send(location: GeoLocation | null): void {
    this.target?.setLocation(location).catch((error: unknown) => {
      setStatus(`Could not share your location: ${describeError(error)}`, 'error');
    });
  }

  private render(): void {
    this.button.setAttribute('aria-pressed', String(this.sharing));
    this.button.textContent = this.sharing ? 'Sharing location: tap to stop' : 'Share my location';
  }
}
