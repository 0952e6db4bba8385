/**
 * Pure session state logic: who drives, how long until the next rotation,
 * and when to prompt. No JupyterLab imports, so it is tested with plain Node.
 */

/** One person in a session. */
export interface IParticipant {
  /** Display name. */
  name: string;
  /** `engineer` or `analyst`. */
  role: string;
  /** The program's team id of this person, if the session named it. */
  team?: string | null;
}

/** A session's place in the enablement program (docs/program.md); each may be left empty. */
export interface IPlace {
  /** The program's team id the session serves. */
  team?: string | null;
  /** Who leads it: a central engineer, an ambassador, or nobody (null). */
  facilitator?: string | null;
  /** For a teach-back: the id of the session the facilitator was trained in. */
  trained_in?: string | null;
}

/** A session as the server returns it. */
export interface ISession {
  /** Session id (12 hex digits). */
  id: string;
  /** Participants in rotation order. */
  participants: IParticipant[];
  /** Minutes between rotations. */
  rotation_minutes: number;
  /** How many rotations happened so far. */
  rotations: number;
  /** When the roles last turned (seconds since the epoch). */
  rotated_at: number;
  /** When the session started (seconds since the epoch). */
  started_at: number;
  /** When it ended, or null while it runs. */
  ended_at: number | null;
  /** Lesson id the session works on, if any. */
  lesson: string | null;
  /** The current driver. */
  driver: IParticipant;
  /** Everyone else. */
  navigators: IParticipant[];
  /** The server's clock when it sent this (seconds since the epoch). */
  server_time?: number;
  /** The program's team id the session serves, if given. */
  team?: string | null;
  /** Who leads it, if anyone. */
  facilitator?: string | null;
  /** The session the facilitator was trained in, for a teach-back. */
  trained_in?: string | null;
}

/** Return how far the server's clock runs ahead of this browser's, in milliseconds. */
export function clockOffsetMs(session: ISession, receivedAtMs: number): number {
  return session.server_time === undefined ? 0 : session.server_time * 1000 - receivedAtMs;
}

/** Return the participant driving after `rotations` turns. */
export function driverAfter(
  participants: IParticipant[],
  rotations: number
): IParticipant {
  return participants[rotations % participants.length];
}

/** Return who drives after the next rotation. */
export function nextDriver(session: ISession): IParticipant {
  return driverAfter(session.participants, session.rotations + 1);
}

/** Return whole seconds left until the rotation is due (negative once overdue). */
export function secondsLeft(session: ISession, nowMs: number): number {
  const due = session.rotated_at + session.rotation_minutes * 60;
  return Math.ceil(due - nowMs / 1000);
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
