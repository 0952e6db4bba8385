/**
 * Pure session display logic: the countdown to the rotation the server scheduled, and when
 * to prompt. Who drives next and when is the server's decision (`next_driver`,
 * `next_rotation_at`); nothing here works either out. No JupyterLab imports, so it is tested
 * with plain Node.
 */

import type { ISession } from '../tokens';
import { trans } from '../translate.js';

export type { IParticipant, IPlace, ISession } from '../tokens';

/** Return how far the server's clock runs ahead of this browser's, in milliseconds. */
export function clockOffsetMs(session: ISession, receivedAtMs: number): number {
  return session.server_time === undefined ? 0 : session.server_time * 1000 - receivedAtMs;
}

/** Return whole seconds left until the server's rotation time (negative once overdue). */
export function secondsLeft(session: ISession, nowMs: number): number {
  return Math.ceil(session.next_rotation_at - nowMs / 1000);
}

/** Format seconds as m:ss (or -m:ss when overdue). */
export function formatCountdown(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const minutes = Math.floor(abs / 60);
  const rest = String(abs % 60).padStart(2, '0');
  return `${sign}${minutes}:${rest}`;
}

/**
 * Return whether to show the rotation prompt now: the interval is over and
 * this rotation (counted by `rotations`) has not been prompted yet.
 */
export function shouldPrompt(
  session: ISession,
  nowMs: number,
  promptedFor: number | null
): boolean {
  return (
    session.ended_at === null &&
    secondsLeft(session, nowMs) <= 0 &&
    promptedFor !== session.rotations
  );
}

/**
 * Return what a screen reader hears about the countdown: whole minutes (so it changes once a
 * minute, never every second) until the rotation, then that it is due.
 */
export function countdownWords(seconds: number, next: string): string {
  if (seconds <= 0) {
    return trans.__('Rotation due: %1 drives next', next);
  }
  const minutes = Math.ceil(seconds / 60);
  return trans._n('%1 minute until %2 drives', '%1 minutes until %2 drives', minutes, next);
}
