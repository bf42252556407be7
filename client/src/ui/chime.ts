// Short tones for things that happen while nobody is looking at the screen: a help request (two
// falling notes), someone joining (one soft note), someone starting to talk (two rising notes).
// Each chime is also counted on <html data-chimes="…"> so that tests can see it sounded.

export type ChimeKind = 'help' | 'join' | 'talk';

const NOTES: Record<ChimeKind, ReadonlyArray<readonly [offset: number, frequency: number]>> = {
  help: [
    [0, 880],
    [0.2, 660],
  ],
  join: [[0, 660]],
  talk: [
    [0, 523],
    [0.15, 784],
  ],
};

let audio: AudioContext | null = null;

/** Plays a chime (about 0.2 to 0.4 s), loud enough to notice, not to startle. */
export function chime(kind: ChimeKind): void {
  const root = document.documentElement;
  root.dataset.chimes = `${root.dataset.chimes ? `${root.dataset.chimes} ` : ''}${kind}`;
  const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Context) return;
  audio ??= new Context();
  void audio.resume().catch(() => undefined);
  const start = audio.currentTime;
  for (const [offset, frequency] of NOTES[kind]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.2);
  }
}
