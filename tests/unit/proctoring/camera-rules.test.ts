/** #17.11 the seat camera's pure rules: JPEG by magic bytes, the minimum gap between stills, and the attention items. */
import { describe, expect, it } from 'vitest';
import { isJpeg, minimumGapMs, waitBeforeNextMs } from '../../../server/src/modules/camera/domain/still-rules.ts';
import { attentionReasons, type AttentionInput } from '../../../server/src/modules/proctoring/domain/attention.ts';

const now = new Date('2026-12-07T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const seat = (over: Partial<AttentionInput> = {}): AttentionInput => ({ state: 'in_progress', connected: true, lastSeenAt: now, startedAt: ago(60), lastAnswerAt: ago(10), remainingMs: 3600_000, recentIncidents: [], ...over });

describe('still rules', () => {
  it('knows a JPEG by its first bytes, not by what the client says', () => {
    expect(isJpeg(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0]))).toBe(true);
    expect(isJpeg(Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))).toBe(false);
    expect(isJpeg(Uint8Array.from([0xff, 0xd8]))).toBe(false);
  });
  it('allows some slack under the interval, never more than 5 s or a fifth', () => {
    expect(minimumGapMs(60)).toBe(55_000);
    expect(minimumGapMs(10)).toBe(8_000);
    expect(waitBeforeNextMs(null, now, 60)).toBe(0);
    expect(waitBeforeNextMs(ago(50), now, 60)).toBe(5_000);
    expect(waitBeforeNextMs(ago(55), now, 60)).toBe(0);
  });
});

describe('camera attention', () => {
  it('a failure needs attention until a still arrives after it', () => {
    const failed = [{ kind: 'camera-failed', at: ago(30) }];
    expect(attentionReasons(seat({ recentIncidents: failed }), now)).toContain('camera-failed');
    expect(attentionReasons(seat({ recentIncidents: failed, lastStillAt: ago(40) }), now)).toContain('camera-failed');
    expect(attentionReasons(seat({ recentIncidents: failed, lastStillAt: ago(5) }), now)).not.toContain('camera-failed');
    expect(attentionReasons(seat({ state: 'submitted', recentIncidents: failed }), now)).not.toContain('camera-failed');
  });
  it('a refusal needs attention until a proctor notes or messages the seat', () => {
    const declined = [{ kind: 'camera-declined', at: ago(30) }];
    expect(attentionReasons(seat({ recentIncidents: declined }), now)).toContain('camera-declined');
    expect(attentionReasons(seat({ recentIncidents: [...declined, { kind: 'proctor-note', at: ago(10) }] }), now)).not.toContain('camera-declined');
    expect(attentionReasons(seat({ recentIncidents: [{ kind: 'proctor-message', at: ago(40) }, ...declined] }), now)).toContain('camera-declined');
    // Reopening the decision deals with it; declining again afterwards raises it again.
    expect(attentionReasons(seat({ recentIncidents: [...declined, { kind: 'camera-reopened', at: ago(20) }] }), now)).not.toContain('camera-declined');
    expect(attentionReasons(seat({ recentIncidents: [...declined, { kind: 'camera-reopened', at: ago(20) }, { kind: 'camera-declined', at: ago(5) }] }), now)).toContain('camera-declined');
  });
});
