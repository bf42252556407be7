// An incident's recording on the audit page: whether it is still being written, sealed, on legal
// hold or deleted at the end of its retention; its tracks, each talk-back among them to choose;
// playback of the chosen ones (an audited play); and the evidence export for `evidence:verify`.
import type { RecordingView, PlayResponse } from '../../../../signaling/protocol/recordings.ts';
import { api, apiPath } from '../../net/api.ts';
import { humanMessage, toSightlineError, type SightlineError } from '../../net/errors.ts';
import { el } from '../../ui/ui.ts';
import { downloadExport } from './audit-download.ts';
import { formatInstant } from './audit-view.ts';
import { RecordingPlayer } from './recording-player.ts';
import { trackLabel } from './recording-timeline.ts';

export interface RecordingPanelOptions {
  token: string;
  /** People's names by user id (the access report's). */
  names: Readonly<Record<string, string>>;
  onStatus(message: string, kind: 'info' | 'ok' | 'warn' | 'error'): void;
}

let player: RecordingPlayer | null = null;

function fact(list: HTMLDListElement, term: string, value: string, testid?: string): void {
  const dd = el('dd', undefined, value);
  if (testid) dd.dataset.testid = testid;
  list.append(el('dt', undefined, term), dd);
}

function statusOf(view: RecordingView): string {
  if (view.purged) return `Deleted on ${formatInstant(view.purged.at)}, at the end of its ${view.purged.retentionDays}-day retention. Its manifest and audit entries remain.`;
  if (view.recording) return 'Being recorded now: finished segments can be played.';
  return view.sealed ? 'Complete and sealed.' : 'Ended without a seal (its node stopped): the segments written are kept.';
}

/** Shows the incident's recording in `container`, or why there is none to show. */
export async function showRecording(container: HTMLElement, incidentId: string, options: RecordingPanelOptions): Promise<void> {
  player?.close();
  player = null;
  container.replaceChildren();
  let view: RecordingView;
  try {
    view = await api.get<RecordingView>(apiPath`/api/incidents/${incidentId}/recordings`);
  } catch (error) {
    const e = toSightlineError(error);
    container.append(el('p', 'hint', e.code === 'RECORDING_NOT_FOUND' ? 'This incident was not recorded.' : humanMessage(e.code, e.message)));
    container.dataset.state = e.code;
    return;
  }
  container.dataset.state = view.purged ? 'purged' : view.recording ? 'recording' : 'kept';
  const facts = el('dl', 'facts');
  fact(facts, 'Status', statusOf(view), 'recording-status');
  if (view.hold) fact(facts, 'Legal hold', `${view.hold.reason} (placed by ${view.hold.placedBy.name}, ${formatInstant(view.hold.placedAt)})`, 'recording-hold');
  fact(facts, 'Segments', `${view.manifest.segments.length} (up to ${view.manifest.segmentSeconds} s each)`);
  if (view.manifest.problems.length > 0) fact(facts, 'Problems', view.manifest.problems.map((p) => p.what).join('; '));
  container.append(facts);
  if (view.purged) return;

  const choose = el('fieldset', 'recording-tracks');
  choose.append(el('legend', undefined, 'Tracks to play'));
  for (const track of view.manifest.tracks) {
    const box = el('input');
    Object.assign(box, { type: 'checkbox', checked: true, value: track.id, id: `track-${track.id}` });
    box.dataset.testid = 'recording-track';
    const label = el('label', 'check');
    label.append(box, ` ${trackLabel(track, options.names)}`);
    choose.append(label);
  }
  const play = el('button', 'primary', 'Play recording');
  play.type = 'button';
  play.dataset.testid = 'recording-play';
  const exportButton = el('button', undefined, 'Download evidence export');
  exportButton.type = 'button';
  exportButton.dataset.testid = 'recording-export';
  exportButton.disabled = !view.sealed;
  if (!view.sealed) exportButton.title = 'The export is made once the recording is sealed.';
  const actions = el('div', 'audit-actions');
  actions.append(play, exportButton);
  const stage = el('div', 'recording-stage');
  container.append(choose, actions, stage);

  const failed = (what: string) => (error: unknown) => {
    const e: SightlineError = toSightlineError(error);
    options.onStatus(`${what}: ${humanMessage(e.code, e.message)}`, 'error');
  };
  play.addEventListener('click', () => {
    const trackIds = [...choose.querySelectorAll<HTMLInputElement>('input:checked')].map((box) => box.value);
    if (trackIds.length === 0) return options.onStatus('Choose at least one track to play.', 'warn');
    void api.post<PlayResponse>(apiPath`/api/incidents/${incidentId}/recordings/play`).then((response) => {
      player?.close();
      player = new RecordingPlayer({ incidentId, play: response, token: options.token, trackIds, names: options.names, onError: failed('Playback') });
      stage.replaceChildren(player.root);
      player.play();
      options.onStatus(`Playing the recording of ${incidentId} (${trackIds.length} track${trackIds.length === 1 ? '' : 's'}). This playback is in the audit trail.`, 'info');
    }, failed('Could not play the recording'));
  });
  exportButton.addEventListener('click', () => {
    void downloadExport(apiPath`/api/incidents/${incidentId}/recordings/export`, options.token, `${incidentId}.tar`).then(
      (name) => options.onStatus(`Downloaded ${name}: check it with npm run evidence:verify.`, 'ok'),
      failed('Could not download the export'),
    );
  });
}
