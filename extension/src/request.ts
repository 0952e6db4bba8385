import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

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
 * Call a pairlab REST route under `<base_url>/pairlab/` and return its JSON.
 *
 * The one function the front end uses to reach the server: it adds the token and
 * XSRF headers (through ServerConnection) and turns error bodies into
 * PairlabRequestError with the server's message and fix.
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'pairlab', endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: text };
    }
  }
  if (!response.ok) {
    const body = (data ?? {}) as { error?: string; fix?: string };
    throw new PairlabRequestError(
      response.status,
      body.error ?? response.statusText,
      body.fix ?? ''
    );
  }
  return data as T;
}
