// Officer camera page: sign in, go live, hear talk-back, ask for help, stop. A short tone sounds
// when someone joins or starts talking; stopping and signing out ask first, since either ends the
// incident for everyone watching.
import type { types } from 'mediasoup-client';
import type { ParticipantInfo, PresenceEntry } from '../../../../signaling/protocol/messages.ts';
import { loadAgencies } from '../../net/agencies.ts';
import { registerTransports, setErrorState, setState } from '../../media/debug-hooks.ts';
import { humanMessage, isSessionError, toSightlineError, type AnyErrorCode } from '../../net/errors.ts';
import { LocationShare } from './location-share.ts';
import { getMedia } from '../../media/media-device.ts';
import { LevelMeter } from '../../media/media-meter.ts';
import { chime } from '../../ui/chime.ts';
import { confirmAction } from '../../ui/dialog.ts';
import { OfficerStream } from './officer-stream.ts';
import { describeUplink, type UplinkQuality } from '../../media/uplink-quality.ts';
import { presenceChanges, renderPresence, watcherSummary } from '../../ui/presence-view.ts';
import { requireSession, sessionLost, showAccount, type Session } from '../../ui/session.ts';
import { byId, el, setStatus, show, showFlash } from '../../ui/ui.ts';

const camera = byId('camera');
const preview = byId<HTMLVideoElement>('preview');
const previewOff = byId('preview-off');
const startButton = byId<HTMLButtonElement>('start');
const stopButton = byId<HTMLButtonElement>('stop');
const helpButton = byId<HTMLButtonElement>('help');
const liveIndicator = byId('live-indicator');
const incidentLabel = byId('incident-id');
const meterElement = byId('talkback-meter');
const talkbackLabel = byId('talkback-label');
const talkbackAudio = byId('talkback-audio');
const presenceList = byId('presence');
const locationShare = new LocationShare(byId<HTMLButtonElement>('share-location'));
const FAILURE_STATES: AnyErrorCode[] = ['DISCONNECTED', 'SERVER_SHUTTING_DOWN', 'MEDIA_WORKER_DIED'];

let session: Session;
let stream: OfficerStream | null = null;
let media: MediaStream | null = null;
let meter: LevelMeter | null = null;
let wakeLock: WakeLockSentinel | null = null;
const audioElements = new Map<string, HTMLAudioElement>();
let present: PresenceEntry[] = [];

registerTransports(() => stream?.transports() ?? []);

function setLiveUi(live: boolean): void {
  show(liveIndicator, live);
  show(byId('recorded-notice'), live && (stream?.recorded ?? false));
  show(stopButton, live);
  show(helpButton, live);
  show(locationShare.button, live);
  locationShare.setTarget(live ? stream : null);
  show(startButton, !live);
  show(previewOff, !live);
  startButton.disabled = false;
  incidentLabel.textContent = live && stream ? stream.reference : '';
  if (!live) setHelpUi(false);
}

function setHelpUi(requested: boolean): void {
  helpButton.setAttribute('aria-pressed', String(requested));
  helpButton.textContent = requested ? 'Help requested: tap to cancel' : 'Ask for help (watch me)';
}

function updateTalkbackLabel(): void {
  const names = [...audioElements.values()].map((audio) => audio.dataset.from ?? 'Clinician');
  talkbackLabel.textContent = names.length
    ? `Talk-back from ${names.join(', ')}`
    : 'No clinician is connected to talk.';
}

function onTalkbackAdded(consumer: types.Consumer): void {
  const from = consumer.appData.from as ParticipantInfo | undefined;
  const audio = el('audio');
  audio.autoplay = true;
  audio.dataset.testid = 'talkback-audio';
  audio.dataset.from = from?.name ?? 'Clinician';
  audio.srcObject = new MediaStream([consumer.track]);
  talkbackAudio.append(audio);
  audioElements.set(consumer.id, audio);
  audio.play().catch(() => setStatus('Tap anywhere on the page to hear the clinician.', 'warn'));
  meter?.add(consumer.track);
  updateTalkbackLabel();
}

function onTalkbackRemoved(consumer: types.Consumer): void {
  meter?.remove(consumer.track);
  audioElements.get(consumer.id)?.remove();
  audioElements.delete(consumer.id);
  updateTalkbackLabel();
}

/** Release camera, audio, meter and UI state. Safe to call more than once. */
function cleanup(): void {
  for (const track of media?.getTracks() ?? []) track.stop();
  media = null;
  preview.srcObject = null;
  for (const audio of audioElements.values()) audio.remove();
  audioElements.clear();
  present = [];
  meter?.close();
  meter = null;
  void wakeLock?.release().catch(() => undefined);
  wakeLock = null;
  stream = null;
  renderPresence(presenceList, []);
  byId('live-count').textContent = '';
  show(byId('uplink-quality'), false);
  updateTalkbackLabel();
  setLiveUi(false);
}

async function fail(error: unknown): Promise<void> {
  const e = toSightlineError(error);
  console.error('[officer]', e);
  cleanup();
  // Going live again after a lost node: the incident is still on the dead node's record until
  // the cluster notices the node is gone (a few seconds); try again shortly.
  if (restarts > 0 && restarts < 8 && e.code === 'INCIDENT_ALREADY_LIVE') {
    restarts += 1;
    setStatus('The relay lost your stream. Going live again…', 'warn');
    setTimeout(() => void start(), 2000);
    return;
  }
  if (isSessionError(e)) return sessionLost(e);
  setErrorState(e.code);
  setStatus(humanMessage(e.code, e.message), 'error');
}

/**
 * The relay lost this stream's seat (the node serving it stopped, or the drop outlasted the
 * grace period): go live again at once. Any live node takes over the incident, with the same id
 * and grants, when its old node is gone.
 */
const GO_LIVE_AGAIN: readonly AnyErrorCode[] = ['RESUME_FAILED', 'NODE_LOST'];
let restarts = 0;

function onEnded(code: AnyErrorCode, message: string | undefined): void {
  cleanup();
  if (GO_LIVE_AGAIN.includes(code) && restarts < 3) {
    restarts += 1;
    setStatus('The relay lost your stream. Going live again…', 'warn');
    void start();
    return;
  }
  if (FAILURE_STATES.includes(code)) setErrorState(code);
  else setState('ended', code);
  setStatus(`Streaming stopped. ${humanMessage(code, message)}`, 'error');
  startButton.textContent = 'Start streaming again';
}

async function start(): Promise<void> {
  startButton.disabled = true;
  setState('starting');
  setStatus('Starting camera…');
  // Created inside the click so autoplay policies let it run.
  const audioContext = new AudioContext();
  try {
    media = await getMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    preview.srcObject = media;
    show(previewOff, false);
    meter = new LevelMeter(meterElement, audioContext);
    setStatus('Connecting to Sightline…');
    stream = await OfficerStream.start(session.token, media, {
      presence: (entries) => {
        const { joined, startedTalking } = presenceChanges(present, entries);
        present = entries;
        if (startedTalking.length > 0) chime('talk');
        else if (joined.length > 0) chime('join');
        renderPresence(presenceList, entries, session.user.id);
        // Beside LIVE, on the first screen: who is watching and who is talking now.
        const summary = watcherSummary(entries, session.user.id);
        byId('live-count').textContent = summary ? `· ${summary}` : '';
      },
      helpAnswered: (clinician) => {
        setHelpUi(false);
        setStatus(`${clinician.name} answered your request for help and is watching now.`, 'ok');
      },
      talkbackAdded: onTalkbackAdded,
      talkbackRemoved: onTalkbackRemoved,
      ended: onEnded,
      link: (state) => setStatus(state === 'ok' ? 'Reconnected. You are live.' : 'Connection lost. Reconnecting…', state === 'ok' ? 'ok' : 'warn'),
      uplink: showUplink,
    });
  } catch (error) {
    if (!meter) void audioContext.close();
    await fail(error);
    return;
  }
  restarts = 0;
  setLiveUi(true);
  setState('live');
  setStatus(`You are live. Incident ${stream.reference}.${stream.recorded ? ' This incident is recorded.' : ''}`, 'ok');
  keepScreenOn();
}

/** The officer's own uplink, over the preview. */
function showUplink(uplink: UplinkQuality): void {
  const line = byId('uplink-quality');
  line.textContent = describeUplink(uplink);
  line.dataset.quality = uplink.quality;
  show(line);
}

/** Keep the phone screen on while live (the lock is dropped whenever the page is hidden). */
function keepScreenOn(): void {
  if (!stream || !('wakeLock' in navigator) || (wakeLock && !wakeLock.released)) return;
  navigator.wakeLock.request('screen').then((lock) => (wakeLock = lock), () => undefined);
}

/** Asks before ending the incident for everyone; true when the officer confirms (or nobody would be cut). */
async function confirmEnd(opener: HTMLElement, how: 'stop' | 'sign-out'): Promise<boolean> {
  if (!stream) return true;
  const watching = present.filter((entry) => entry.watching).length;
  const who = watching === 0 ? 'The incident ends' : `The incident ends for the ${watching === 1 ? 'person' : `${watching} people`} watching`;
  return confirmAction({
    parent: camera,
    opener,
    title: how === 'stop' ? 'Stop streaming?' : 'Sign out and stop streaming?',
    message: `${who}, and any access granted to it ends. This cannot be undone.`,
    confirmLabel: how === 'stop' ? 'Stop streaming' : 'Sign out and stop',
    testid: 'confirm-end',
  });
}

async function stop(): Promise<void> {
  const current = stream;
  if (!current) return;
  stopButton.disabled = true;
  await current.stop();
  stopButton.disabled = false;
  cleanup();
  setState('ended');
  setStatus('Streaming stopped. The incident has ended.', 'info');
  startButton.textContent = 'Start a new stream';
  startButton.focus();
}

async function toggleHelp(): Promise<void> {
  if (!stream) return;
  const requested = helpButton.getAttribute('aria-pressed') !== 'true';
  helpButton.disabled = true;
  try {
    const confirmed = await stream.setHelp(requested);
    setHelpUi(confirmed);
    setStatus(confirmed ? 'Help requested. Supervisors can see that you need someone to watch.' : 'Help request cancelled.', 'ok');
  } catch (error) {
    const e = toSightlineError(error);
    setStatus(humanMessage(e.code, e.message), 'error');
  } finally {
    helpButton.disabled = false;
  }
}

async function main(): Promise<void> {
  showFlash();
  session = await requireSession('officer');
  showAccount(session, async () => {
    if (!(await confirmEnd(byId('signout'), 'sign-out'))) return false;
    await stop();
  });
  void loadAgencies();
  show(camera);
  setLiveUi(false);
  updateTalkbackLabel();
  renderPresence(presenceList, []);
  byId('live-count').textContent = '';
  show(byId('uplink-quality'), false);
  setState('idle');

  startButton.addEventListener('click', () => void start());
  stopButton.addEventListener('click', async () => {
    if (await confirmEnd(stopButton, 'stop')) await stop();
  });
  helpButton.addEventListener('click', () => void toggleHelp());
  // Retry audio playback after any tap if the browser blocked it.
  document.addEventListener('pointerdown', () => {
    for (const audio of audioElements.values()) if (audio.paused) void audio.play().catch(() => undefined);
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') keepScreenOn();
  });
  window.addEventListener('beforeunload', (event) => {
    if (stream) event.preventDefault();
  });
}

void main();
