// Small DOM helpers shared by the pages: element lookup, status/error announcements.

/** The element with this id; throws early if the page markup is missing it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Missing #${id} in page markup`);
  return element as T;
}

export function show(element: HTMLElement, visible = true): void {
  element.hidden = !visible;
}

export type StatusKind = 'info' | 'ok' | 'warn' | 'error';

/**
 * Write a message into the page's live status region (#status, data-testid="status").
 * Errors are announced assertively; everything else politely. The region stays in the DOM
 * (an empty region collapses via CSS) so screen readers keep tracking it.
 */
export function setStatus(message: string, kind: StatusKind = 'info'): void {
  const region = document.getElementById('status');
  if (!region) return;
  region.setAttribute('aria-live', kind === 'error' ? 'assertive' : 'polite');
  region.textContent = message;
  region.dataset.kind = kind;
}

export function clearStatus(): void {
  setStatus('');
}

/** Create an element with optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export const formatTime = (epochMs: number): string =>
  new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Seconds as m:ss (or h:mm:ss). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The protocol does not say whether timestamps are seconds or milliseconds; accept both. */
export const toEpochMs = (value: number): number => (value < 1e12 ? value * 1000 : value);

const FLASH_KEY = 'sightline.flash';

/** Keep a status message across a reload (e.g. "session expired" before showing the sign-in form). */
export function setFlash(message: string): void {
  sessionStorage.setItem(FLASH_KEY, message);
}

/** Show and forget a message left by setFlash(). */
export function showFlash(): void {
  const message = sessionStorage.getItem(FLASH_KEY);
  if (!message) return;
  sessionStorage.removeItem(FLASH_KEY);
  setStatus(message, 'warn');
}

/**
 * Resolves once the browser has painted what the page shows now (a frame, then the task after
 * it), or after `latestMs` (a hidden tab paints nothing).
 */
export function afterPaint(latestMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, latestMs);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}
