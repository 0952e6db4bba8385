import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { languageCode } from './translate.js';

/**
 * Error raised when a pairlab route answers with an error status.
 */
export class PairlabRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fix: string
  ) {
    super(message);
  }
}

/**
 * Return an error as words for people: the server's problem and fix as one sentence, never
 * raw request text. The front end's one error-to-words rule; every panel shows errors through it.
 */
export function errorWords(error: unknown): string {
  if (error instanceof PairlabRequestError) {
    const first = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    // A fix quoting JSON speaks to API clients, not to the pair: leave it out.
    return error.fix && !error.fix.includes('"') ? `${first}: ${error.fix}.` : `${first}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Call a pairlab route and return its body as text, or throw PairlabRequestError.
 *
 * The one place the front end reaches the server: it adds the token and XSRF
 * headers (through ServerConnection) and the lab's language (Accept-Language: the
 * server says its messages in it), and turns error bodies into PairlabRequestError
 * with the server's message and fix.
 */
async function call(endPoint: string, init: RequestInit): Promise<string> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'pairlab', endPoint);
  const headers = new Headers(init.headers);
  const language = languageCode();
  if (language && !headers.has('Accept-Language')) {
    headers.set('Accept-Language', language);
  }
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, { ...init, headers }, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  if (!response.ok) {
    let body: { error?: string; fix?: string } = {};
    try {
      body = JSON.parse(text) ?? {};
    } catch {
      body = { error: text || undefined };
    }
    throw new PairlabRequestError(
      response.status,
      body.error ?? response.statusText,
      body.fix ?? ''
    );
  }
  return text;
}

/**
 * Call a pairlab REST route under `<base_url>/pairlab/` and return its JSON.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const text = await call(endPoint, init);
  if (text.length === 0) {
    return null as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return { error: text } as T;
  }
}

/**
 * Call a pairlab route that answers with a file (the cohort report) and return its text.
 */
export async function requestText(endPoint: string): Promise<string> {
  return call(endPoint, {});
}
