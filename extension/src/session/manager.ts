import { ISignal, Signal } from '@lumino/signaling';

import { requestAPI, requestText } from '../request';
import { IParticipant, IPlace, ISession, ISessionsResponse, ISummary } from '../tokens';
import { clockOffsetMs } from './timer';
import { trans } from '../translate';

/** How often a browser reloads the running session (rotations made in another browser). */
const FOLLOW_MS = 5000;

/** The localStorage key of this browser's "this is me" choice in one session. */
export function meKey(sessionId: string): string {
  return `pairlab:me:${sessionId}`;
}

/**
 * The one place the front end keeps the running session; every change goes
 * through the server first, so a reload or a restart shows the same state.
 */
export class SessionManager {
  constructor() {
    // Another browser in the session may rotate or end it: follow the server's state.
    this._poll = window.setInterval(() => void this.follow(), FOLLOW_MS);
  }

  /** Stop following the server. */
  dispose(): void {
    window.clearInterval(this._poll);
  }

  /** Reload the running session from the server; show a rotation or an end made elsewhere. */
  async follow(): Promise<void> {
    const session = this._active;
    if (session === null) {
      return;
    }
    try {
      const now = await requestAPI<ISession>(`sessions/${session.id}`);
      if (this._active?.id !== now.id) {
        return; // this browser moved on meanwhile
      }
      if (now.ended_at !== null) {
        this._latest = now;
        this._set(null);
      } else if (now.rotations !== session.rotations) {
        this._set(now);
      }
    } catch (error) {
      console.warn('pairlab: could not reload the session', error);
    }
  }

  /** The running session, or null. */
  get active(): ISession | null {
    return this._active;
  }

  /** The running session, else the one that ended last: what the facilitator exports. */
  get latest(): ISession | null {
    return this._active ?? this._latest;
  }

  /**
   * The participant this browser belongs to in the running session ("this is me"),
   * remembered per browser and per session; null until the person says.
   */
  get me(): string | null {
    const session = this._active;
    if (session === null) {
      return null;
    }
    const name = window.localStorage.getItem(meKey(session.id));
    return session.participants.some(p => p.name === name) ? name : null;
  }

  /** Say who this browser belongs to in the running session (null: nobody chosen). */
  setMe(name: string | null): void {
    const session = this._active;
    if (session === null) {
      return;
    }
    if (name === null) {
      window.localStorage.removeItem(meKey(session.id));
    } else {
      window.localStorage.setItem(meKey(session.id), name);
    }
    this._changed.emit(session);
  }

  /** A notice from the server (e.g. a corrupt database moved aside). */
  get notice(): string {
    return this._notice;
  }

  /** Return the server's time now in milliseconds, as this browser best knows it. */
  now(): number {
    return Date.now() + this._offsetMs;
  }

  /** Emitted whenever the running session changes. */
  get changed(): ISignal<this, ISession | null> {
    return this._changed;
  }

  /** Emitted when the server logged something new in the running session (a step check). */
  get activity(): ISignal<this, void> {
    return this._activity;
  }

  /** Say that the server logged an event in the running session, so views reload. */
  noteActivity(): void {
    this._activity.emit();
  }

  /** Load the newest running session from the server, if any. */
  async restore(): Promise<void> {
    const { sessions, notice } = await requestAPI<ISessionsResponse>('sessions');
    this._notice = notice;
    this._latest = sessions[0] ?? null; // newest first
    this._set(sessions.find(s => s.ended_at === null) ?? null);
  }

  /** Start a session for these people. */
  async start(
    participants: IParticipant[],
    rotationMinutes: number,
    lesson: string | null,
    place: IPlace = {}
  ): Promise<ISession> {
    const session = await requestAPI<ISession>('sessions', {
      method: 'POST',
      body: JSON.stringify({
        participants,
        rotation_minutes: rotationMinutes,
        lesson,
        ...place
      })
    });
    this._set(session);
    return session;
  }

  /**
   * Give the running session the lesson open now, when it was started outside one; the server
   * keeps a lesson the session already has.
   */
  async adoptLesson(lesson: string | null): Promise<void> {
    const session = this._active;
    if (session === null || session.lesson !== null || lesson === null) {
      return;
    }
    const adopted = await requestAPI<ISession>(`sessions/${session.id}/lesson`, {
      method: 'POST',
      body: JSON.stringify({ lesson })
    });
    if (this._active?.id === adopted.id) {
      this._set(adopted);
    }
  }

  /** Hand the keyboard to the next person. */
  async rotate(): Promise<void> {
    this._set(await this._post('rotate'));
  }

  /** End the running session. */
  async end(): Promise<void> {
    this._latest = await this._post('end');
    this._set(null);
  }

  /** Record an event against the running session; does nothing without one. */
  async record(kind: string, data: Record<string, unknown>): Promise<void> {
    if (this._active === null) {
      return;
    }
    await requestAPI(`sessions/${this._active.id}/events`, {
      method: 'POST',
      body: JSON.stringify({ kind, data })
    });
  }

  /** Fetch the facilitator summary of the running (else the last) session. */
  async summary(): Promise<ISummary | null> {
    const session = this.latest;
    if (session === null) {
      return null;
    }
    return requestAPI<ISummary>(`sessions/${session.id}/summary`);
  }

  /** Fetch the export of the running (else the last) session: what `pairlab report` reads. */
  async exportSession(): Promise<{ id: string; data: unknown }> {
    const session = this.latest;
    if (session === null) {
      throw new Error(trans.__('No session to export yet: start one first.'));
    }
    return { id: session.id, data: await requestAPI(`sessions/${session.id}/export`) };
  }

  /** Fetch the cohort report of every session on this server, as `pairlab report` writes it. */
  async report(): Promise<string> {
    return requestText('report');
  }

  private async _post(action: string): Promise<ISession> {
    if (this._active === null) {
      throw new Error(trans.__('No pairing session is running.'));
    }
    return requestAPI<ISession>(`sessions/${this._active.id}/${action}`, {
      method: 'POST',
      body: '{}'
    });
  }

  private _set(session: ISession | null): void {
    if (session !== null) {
      this._offsetMs = clockOffsetMs(session, Date.now());
      this._latest = session;
    }
    this._active = session;
    this._changed.emit(session);
  }

  private _active: ISession | null = null;
  private _latest: ISession | null = null;
  private readonly _poll: number;
  private readonly _activity = new Signal<this, void>(this);
  private _notice = '';
  private _offsetMs = 0;
  private _changed = new Signal<this, ISession | null>(this);
}
