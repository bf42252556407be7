// A full-screen button for a video: shows the element (the video with its overlays) full screen,
// and back; its pressed state follows the document (Escape leaves full screen too). Hidden where
// the browser has no full screen (an iPhone's Safari, for elements other than video).

/** Binds `button` to show `element` full screen; returns how to unbind. */
export function bindFullscreen(button: HTMLButtonElement, element: HTMLElement): () => void {
  if (!document.fullscreenEnabled || typeof element.requestFullscreen !== 'function') {
    button.hidden = true;
    return () => undefined;
  }
  const sync = () => {
    const on = document.fullscreenElement === element;
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Exit full screen' : 'Full screen';
  };
  const toggle = () => {
    const done = document.fullscreenElement === element ? document.exitFullscreen() : element.requestFullscreen();
    void done.catch((error: unknown) => console.warn('[viewer] full screen refused', error));
  };
  button.addEventListener('click', toggle);
  document.addEventListener('fullscreenchange', sync);
  sync();
  return () => {
    button.removeEventListener('click', toggle);
    document.removeEventListener('fullscreenchange', sync);
  };
}
