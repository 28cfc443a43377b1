import { StoredEvent } from '../../src/domain';

/** A plain HTTP client over fetch for the reliability runs; every answer is kept with its status and headers. */

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export const isJson = (answer: Answer): boolean =>
  /^application\/(problem\+)?json/.test(answer.headers.get('content-type') ?? '');

/** Codes of a pooled keep-alive socket that the server closed just as the client reused it. */
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const isStaleSocket = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return error instanceof TypeError && typeof cause?.code === 'string' && STALE_SOCKET.has(cause.code);
};

/**
 * One request. A request sent on a keep-alive socket the server was closing at that instant is sent once more on a
 * fresh one, as a careful client does (appends carry their event ids, so a resend is answered as a retry); a server
 * that is down still fails the second attempt.
 */
const fetchOrResend = async (url: string, init: RequestInit, timeoutMs: number): Promise<Response> => {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (!isStaleSocket(error)) throw error;
    return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  }
};

export const send = async (url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<Answer> => {
  const { timeoutMs = 15_000, ...rest } = init;
  const response = await fetchOrResend(url, rest, timeoutMs);
  const text = await response.text();
  let body: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '') && text !== '')
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  return { status: response.status, headers: response.headers, body };
};

export const postEvents = (
  baseUrl: string,
  negotiationId: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Answer> =>
  send(`${baseUrl}/negotiations/${negotiationId}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Every stored event of a negotiation, read through the paged events endpoint ([] when it does not exist). */
export const readStream = async (baseUrl: string, negotiationId: string): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  let next: string | undefined = `/negotiations/${negotiationId}/events?limit=1000`;
  while (next !== undefined) {
    const answer = await send(`${baseUrl}${next}`);
    if (answer.status === 404) return events;
    if (answer.status !== 200)
      throw new Error(`reading ${next}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const page = answer.body as { events: StoredEvent[]; next?: string };
    events.push(...page.events);
    next = page.next;
  }
  return events;
};

export interface AppendAcknowledgement {
  readonly revision: number;
  readonly events: ReadonlyArray<{ id: string; revision: number; hash: string }>;
  readonly replayed: boolean;
}
