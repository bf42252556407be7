// The worker is built with two NACK-timing fixes, a simulcast timestamp fix, retransmissions sent twice,
// repairs of packets the viewer's transport-wide feedback reports lost and video consumers held from
// their creation to their first resume (scripts/mediasoup-worker/patch-sources.py). They are applied to the pinned mediasoup's own
// sources here, and a source they no longer fit stops the build rather than giving a worker
// without them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const script = join(root, 'scripts/mediasoup-worker/patch-sources.py');
const pinnedWorker = join(root, 'node_modules/mediasoup/worker');
const FILES = [
  'src/RTC/RTP/RtpStreamRecv.cpp',
  'src/RTC/NackGenerator.cpp',
  'src/RTC/SimulcastConsumer.cpp',
  'src/RTC/RTP/RtpStreamSend.cpp',
  'include/RTC/RTP/RtpStreamSend.hpp',
  'src/RTC/Transport.cpp',
  'include/RTC/Transport.hpp',
  'src/RTC/Consumer.cpp',
  'include/RTC/Consumer.hpp',
  'src/RTC/SimpleConsumer.cpp',
  'include/RTC/SimpleConsumer.hpp',
  'include/RTC/SimulcastConsumer.hpp',
];

/** A worker tree holding the pinned mediasoup's copies of the patched files. */
function pinnedSources(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-worker-src-'));
  for (const file of FILES) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(pinnedWorker, file), join(dir, file));
  }
  return dir;
}

const patch = (dir: string) => spawnSync('python3', [script, dir], { encoding: 'utf8' });
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('mediasoup-worker source patches', () => {
  it('hand the NACK generator a round trip under 1 ms as 1 ms, and look at the NACK list every 10 ms', () => {
    const dir = pinnedSources();
    const run = patch(dir);
    expect(run.status, run.stderr).toBe(0);
    expect(read(dir, FILES[0]!)).toContain('UpdateRtt(static_cast<uint32_t>(std::ceil(this->rtt)))');
    expect(read(dir, FILES[0]!)).toContain('#include <cmath>');
    expect(read(dir, FILES[1]!)).toContain('TimerInterval{ 10u }');
    expect(read(dir, FILES[1]!)).not.toContain('TimerInterval{ 40u }');
  });

  it('move a switched layer’s timestamps 1 ms past the last one sent, not a 30 fps frame', () => {
    const dir = pinnedSources();
    expect(patch(dir).status).toBe(0);
    expect(read(dir, FILES[2]!)).toContain('MsOffset{ 1u }');
    expect(read(dir, FILES[2]!)).not.toContain('MsOffset{ 33u }');
  });

  it('send each retransmission twice, the copy as the next RTX packet', () => {
    const dir = pinnedSources();
    expect(patch(dir).status).toBe(0);
    const send = read(dir, FILES[3]!);
    const copy = send.slice(send.indexOf('OnRtpStreamRetransmitRtpPacket(this, packet);'));
    expect(copy).toMatch(/^OnRtpStreamRetransmitRtpPacket\(this, packet\);\s+\/\/[^\n]*\n\s*if \(HasRtx\(\)\)\s*\{\s*this->rtxSeq\+\+;\s*packet->SetSequenceNumber\(this->rtxSeq\);\s*static_cast<RTP::RtpStreamSend::Listener\*>\(this->listener\)\s*->OnRtpStreamRetransmitRtpPacket\(this, packet\);/);
    expect(send.split('OnRtpStreamRetransmitRtpPacket(this, packet)').length - 1).toBe(2);
  });

  it('retransmit a video packet the transport-wide feedback reports lost, unless a NACK already had it', () => {
    const dir = pinnedSources();
    const run = patch(dir);
    expect(run.status, run.stderr).toBe(0);
    const transport = read(dir, FILES[5]!);
    // Each video packet's transport-wide sequence number is remembered where it is first sent …
    const send = transport.slice(transport.indexOf('void Transport::OnConsumerSendRtpPacket('));
    const remembered = send.indexOf('this->sentVideoPackets[this->transportWideCcSeq %');
    expect(remembered).toBeGreaterThan(send.indexOf('this->transportWideCcSeq++;'));
    expect(remembered).toBeLessThan(send.indexOf('void Transport::OnConsumerRetransmitRtpPacket('));
    expect(transport.split('this->sentVideoPackets[this->transportWideCcSeq').length - 1).toBe(1);
    // … and feedback that reports it not received has its stream repair it.
    const feedback = transport.slice(transport.indexOf('this->tccClient->ReceiveRtcpTransportFeedback(feedback);'));
    expect(feedback).toMatch(/^[^]{0,400}for \(const auto& result : feedback->GetPacketResults\(\)\)\s*\{\s*if \(result\.received\)\s*\{\s*continue;/);
    expect(feedback).toMatch(/^[^]{0,1400}rtpStream->RepairReportedLoss\(sent\.seq\);/);
    expect(read(dir, FILES[6]!)).toMatch(/std::array<SentVideoPacket, \d+> sentVideoPackets/);
    expect(read(dir, FILES[4]!)).toContain('void RepairReportedLoss(uint16_t seq);');
    // A packet already retransmitted (for a NACK) is left alone.
    const stream = read(dir, FILES[3]!);
    const repair = stream.slice(stream.indexOf('void RtpStreamSend::RepairReportedLoss('), stream.indexOf('void RtpStreamSend::ReceiveNack('));
    expect(repair).toMatch(/if \(!item \|\| item->resentAtMs != 0u\)\s*\{\s*return;/);
    expect(repair).toContain('ReceiveNack(&nackPacket);');
  });

  it('hold a video consumer created paused: it keeps what it would send until its first resume sends it', () => {
    const dir = pinnedSources();
    const run = patch(dir);
    expect(run.status, run.stderr).toBe(0);
    const consumer = read(dir, 'src/RTC/Consumer.cpp');
    // Created paused, a simple or simulcast video consumer runs held instead.
    expect(consumer).toMatch(/this->paused = data->paused\(\);\s+\/\/[^\n]*\n\s*if \(\s*this->paused && this->kind == RTC::Media::Kind::VIDEO &&[^{]*\{\s*this->paused = false;\s*this->held\s*= true;/);
    // Its first resume releases it; a pause ends the hold as an ordinary pause.
    const resume = consumer.slice(consumer.indexOf('case Channel::ChannelRequest::Method::CONSUMER_RESUME:'));
    expect(resume).toMatch(/^[^]{0,200}if \(this->held\)\s*\{\s*this->held = false;\s*UserOnReleased\(\);/);
    const pause = consumer.slice(consumer.indexOf('case Channel::ChannelRequest::Method::CONSUMER_PAUSE:'));
    expect(pause).toMatch(/^[^]{0,200}this->held = false;\s*if \(this->paused\)/);
    expect(read(dir, 'include/RTC/Consumer.hpp')).toContain('return this->paused || this->held;');
    for (const cls of ['SimulcastConsumer', 'SimpleConsumer']) {
      const source = read(dir, `src/RTC/${cls}.cpp`);
      // Held, a packet is stored in the stream (ReceivePacket) but not handed to the transport, and
      // where the newest keyframe stored is, is kept …
      const send = source.slice(source.indexOf(`void ${cls}::SendRtpPacket(`));
      expect(send).toMatch(/this->rtpStream->ReceivePacket\(packet, sharedPacket\);\s+if \(result != [^)]*DISCARDED\)\s*\{\s*(?:if \(this->rtpSeqManager[^}]*\}\s*)?(?:\/\/[^\n]*\n\s*)+if \(this->held\)\s*\{\s*this->heldAny = true;\s*if \(packet->IsKeyFrame\(\)\)\s*\{\s*this->heldKeyFrameSeq = packet->GetSequenceNumber\(\);\s*\}\s*\}\s*else\s*\{\s*this->listener->OnConsumerSendRtpPacket\(this, packet\);/);
      expect(source.split('this->listener->OnConsumerSendRtpPacket(this, packet)').length - 1).toBe(2);
      // … and the release sends what was stored, or starts again when its first packet is gone.
      const release = source.slice(source.indexOf(`void ${cls}::UserOnReleased()`), source.indexOf(`void ${cls}::UserOnPaused()`));
      expect(release).toMatch(/this->rtpStream->SendHeld\(\s*static_cast<uint16_t>\(this->heldKeyFrameSeq\),\s*this->rtpSeqManager\.GetMaxOutput\(\),/);
      expect(release).toMatch(/if \(sent == 0u\)\s*\{\s*UserOnPaused\(\);\s*UserOnResumed\(\);/);
      for (const hook of ['UserOnPaused', 'UserOnTransportDisconnected']) {
        expect(source.slice(source.indexOf(`void ${cls}::${hook}()`))).toMatch(/^[^{]*\{\s*MS_TRACE\(\);\s*this->heldAny\s*= false;\s*this->heldKeyFrameSeq = -1;/);
      }
      expect(read(dir, `include/RTC/${cls}.hpp`)).toContain('void UserOnReleased() override;');
    }
    // What is sent starts at the first packet of the newest keyframe stored; the frames' timestamps
    // are drawn together below the newest one's, 1 ms apart.
    const stream = read(dir, FILES[3]!);
    const held = stream.slice(stream.indexOf('size_t RtpStreamSend::SendHeld('), stream.indexOf('void RtpStreamSend::ReceiveKeyFrameRequest('));
    expect(held).toMatch(/if \(!keyFrame \|\| !keyFrame->sharedPacket\.HasPacket\(\)\)\s*\{\s*return 0u;/);
    expect(held).toMatch(/previous->timestamp != keyFrame->timestamp\)\s*\{\s*break;\s*\}\s*--firstSeq;/);
    expect(held).toMatch(/if \(items\[i\]->timestamp != frameTimestamp\)\s*\{\s*\+\+framesAfter;\s*frameTimestamp = items\[i\]->timestamp;\s*\}\s*items\[i\]->timestamp = newest - \(framesAfter \* step\);/);
    expect(held).toContain('packet->SetTimestamp(item->timestamp);');
  });

  it('apply once: a second run changes nothing', () => {
    const dir = pinnedSources();
    patch(dir);
    const once = FILES.map((file) => read(dir, file));
    const again = patch(dir);
    expect(again.status, again.stderr).toBe(0);
    expect(FILES.map((file) => read(dir, file))).toEqual(once);
  });

  it('stop the build when a source no longer has what they change', () => {
    const dir = pinnedSources();
    writeFileSync(join(dir, FILES[1]!), read(dir, FILES[1]!).replace('TimerInterval{ 40u }', 'TimerInterval{ 25u }'));
    const run = patch(dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('review it');
    expect(run.stderr).toContain('nack_timer');
  });

  it('stop the build when the transport no longer sends a consumer’s packets where the feedback patch expects', () => {
    const dir = pinnedSources();
    writeFileSync(join(dir, FILES[5]!), read(dir, FILES[5]!).replace('void Transport::OnConsumerSendRtpPacket(', 'void Transport::OnConsumerSendPacket('));
    const run = patch(dir);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('tcc_repair');
  });
});
