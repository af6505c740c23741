/**
 * The seat camera's capture (#17.11), loaded on demand (a separate chunk: the exam route stays under its size
 * budget, and candidates at centers without a camera never download it). Every `intervalSeconds` it draws a frame of
 * the webcam on a canvas, encodes a small JPEG (lower quality until it fits `maxBytes`) and uploads it. A camera that
 * cannot be used (permission denied, no device, a capture that fails) is reported to the proctor, never thrown: the
 * exam goes on.
 */
import { reportCameraFailure, uploadStill } from './api.ts';

export type CameraStatus = 'starting' | 'on' | 'failed';
type Failure = 'permission-denied' | 'no-device' | 'capture-failed';

const WIDTH = 320;
const HEIGHT = 240;

function failureOf(e: unknown): Failure {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'no-device';
  return 'capture-failed';
}

function blobOf(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** Starts capturing; the returned function stops it and releases the camera. */
export function startSeatCamera(opts: { sessionId: string; intervalSeconds: number; maxBytes: number; onStatus: (s: CameraStatus) => void }): () => void {
  let stopped = false;
  let stream: MediaStream | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;

  const fail = (e: unknown) => {
    if (stopped) return;
    opts.onStatus('failed');
    const reason = failureOf(e);
    const detail = e instanceof Error ? e.name : undefined;
    void reportCameraFailure(opts.sessionId, detail ? { reason, detail: detail.slice(0, 200) } : { reason });
  };

  async function still() {
    if (stopped || !stream) return;
    try {
      canvas.getContext('2d')!.drawImage(video, 0, 0, WIDTH, HEIGHT);
      let blob: Blob | null = null;
      for (const q of [0.6, 0.4, 0.25]) {
        blob = await blobOf(canvas, q);
        if (blob && blob.size <= opts.maxBytes) break;
      }
      if (!blob || blob.size > opts.maxBytes) throw new Error('the still does not fit the size limit');
      const r = await uploadStill(opts.sessionId, await base64Of(blob));
      // Refused as too early (a timer ran fast) or the exam is paused: the next tick tries again.
      if (r.ok) opts.onStatus('on');
    } catch (e) {
      fail(e);
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => void still().finally(schedule), opts.intervalSeconds * 1000);
  }

  opts.onStatus('starting');
  void (async () => {
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('no camera API', 'NotFoundError');
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: WIDTH, height: HEIGHT }, audio: false });
      if (stopped) return stream.getTracks().forEach((t) => t.stop());
      video.srcObject = stream;
      await video.play();
      await still();
      schedule();
    } catch (e) {
      fail(e);
    }
  })();

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    stream?.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
}
