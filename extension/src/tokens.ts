/**
 * Shared ids and the shapes of data the server returns.
 */

/** The npm/Python package name; plugin and command ids derive from it. */
export const PACKAGE = 'pairlab';

/** Widget id of the left-sidebar guide panel. */
export const GUIDE_ID = 'pairlab-guide';

/** Command ids, all derived from the package name. */
export namespace CommandIDs {
  export const startSession = `${PACKAGE}:start-session`;
  export const openGuide = `${PACKAGE}:open-guide`;
  export const openLesson = `${PACKAGE}:open-lesson`;
  export const rotate = `${PACKAGE}:rotate`;
  export const checkStep = `${PACKAGE}:check-step`;
  export const toggleFacilitator = `${PACKAGE}:toggle-facilitator`;
  export const requestPairing = `${PACKAGE}:request-pairing`;
}

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
  /** Who drives after the next rotation, as the server's one turn rule says. */
  next_driver: IParticipant;
  /** When the next rotation is due (seconds since the epoch), as the server scheduled it. */
  next_rotation_at: number;
  /** The server's clock when it sent this (seconds since the epoch). */
  server_time?: number;
  /** The program's team id the session serves, if given. */
  team?: string | null;
  /** Who leads it, if anyone. */
  facilitator?: string | null;
  /** The session the facilitator was trained in, for a teach-back. */
  trained_in?: string | null;
}

/** Body of `GET /pairlab/sessions`. */
export interface ISessionsResponse {
  /** Sessions, newest first. */
  sessions: ISession[];
  /** Why the session database was started anew, or an empty string. */
  notice: string;
}

/** One check a step runs, as declared in the curriculum. */
export interface ICheckRef {
  /** Registered check id, e.g. `in-order`. */
  id: string;
  /** Arguments the step passes to the check. */
  args: Record<string, unknown>;
}

/** One step of a lesson. */
export interface IStep {
  /** Step id, unique within its lesson. */
  id: string;
  /** Short title shown in the guide. */
  title: string;
  /** What the pair must do. */
  goal: string;
  /** A hint revealed on request. */
  hint: string;
  /** The checks that prove the step done. */
  checks: ICheckRef[];
}

/** One lesson of the curriculum. */
export interface ILesson {
  /** Lesson id, unique in the curriculum. */
  id: string;
  /** Title shown in the guide. */
  title: string;
  /** The lesson's number as its notebook counts it (0 for 00-welcome.ipynb); the server's. */
  number: number;
  /** Notebook path, relative to the curriculum root. */
  notebook: string;
  /** One-paragraph summary. */
  summary: string;
  /** Notes for facilitators. */
  facilitator_notes: string;
  /** The lesson's ordered steps. */
  steps: IStep[];
}

/** Body of `GET /pairlab/lessons`. */
export interface ILessonsResponse {
  /** Lessons in curriculum order. */
  lessons: ILesson[];
}

/** One check's result, as `POST /pairlab/check` returns it. */
export interface ICheckResult {
  /** Check id. */
  id: string;
  /** `pass`, `fail` or `error`. */
  status: 'pass' | 'fail' | 'error';
  /** What the learner should do next. */
  message: string;
  /** Ids of the cells concerned. */
  cells: string[];
}

/** Body of `POST /pairlab/check`. */
export interface ICheckReply {
  /** The notebook checked, relative to the server root. */
  path: string;
  /** The server's one verdict: pass only when checks ran and all passed. */
  verdict: 'pass' | 'fail' | 'error' | 'pending';
  /** The first problem, or the first pass when all is well. */
  message: string;
  /** One result per check run. */
  results: ICheckResult[];
  /** For a step: the session the check was logged in and whether it completed the step. */
  recorded?: { session: string | null; completed: boolean };
}

/** Body of `GET /pairlab/steps`: stored status per `lesson/step`. */
export interface IStepsReply {
  /** Status of each step checked so far. */
  steps: Record<string, { status: string; message: string }>;
}

/** The facilitator's summary of a session. */
export interface ISummary {
  /** The lesson the session was started on, if any. */
  lesson: string | null;
  /** Seconds since the session started. */
  duration_seconds: number;
  /** Completed steps with the seconds each took. */
  steps: { step: string; seconds: number }[];
  /** Rotations with the new driver. */
  rotations: { at: number; driver: string }[];
  /** Rotation prompts, one per browser and turn: whose browser (null: a shared keyboard). */
  prompts: { at: number; rotation: number; next: string; participant: string | null }[];
  /** Checks that failed, most often first. */
  failed_checks: { check: string; failures: number }[];
  /** Cell runs per person. */
  executions: { user: string; runs: number; errors: number }[];
}

/** One product that already reads or exposes a table the notebook queries. */
export interface ISimilarProduct {
  /** Product id. */
  id: string;
  /** Display name. */
  name: string;
  /** `active`, `deprecated`, ... */
  status: string;
  /** The last review's `keep`, `iterate` or `kill` (`pairlab review`), "" if none. */
  decision?: string;
  /** The day of that review, YYYY-MM-DD. */
  decided_on?: string;
  /** Who owns it. */
  owner: string;
  /** The owning team. */
  team: string;
  /** Output ports with their contract ids. */
  output_ports: { name: string; contract_id: string }[];
  /** Which of the notebook's tables it touches, and how. */
  matches: { target: string; how: string; detail: string }[];
}

/** Body of `GET /pairlab/catalog/similar`. */
export interface ISimilarReply {
  tables: string[];
  products: ISimilarProduct[];
}
