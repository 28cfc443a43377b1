import { ClientRequest, IncomingMessage, request } from 'node:http';

export interface StreamMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export interface OpenStream {
  readonly status: number;
  readonly contentType: string;
  readonly messages: StreamMessage[];
  /** Comment lines received (heartbeats), counted. */
  readonly comments: () => number;
  /** Resolves once `count` messages have arrived (rejects if the stream ends first). */
  readonly received: (count: number) => Promise<StreamMessage[]>;
  readonly ended: Promise<void>;
  /** Drops the connection from the client's side, as a network failure would. */
  readonly drop: () => void;
  readonly response: IncomingMessage;
}

/** A server-sent events reader over a plain HTTP request, parsing fields as the EventSource standard says. */
export const openStream = (url: string, headers: Record<string, string> = {}): Promise<OpenStream> =>
  new Promise((resolve, reject) => {
    const req: ClientRequest = request(url, { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (response) => {
      const messages: StreamMessage[] = [];
      const waiters: Array<{ count: number; settle: () => void; fail: (e: Error) => void }> = [];
      let comments = 0;
      let buffer = '';
      let current: { id?: string; event?: string; data: string[] } = { data: [] };
      const check = () => {
        for (const waiter of [...waiters])
          if (messages.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.settle();
          }
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (current.data.length > 0)
              messages.push({
                ...(current.id === undefined ? {} : { id: current.id }),
                event: current.event ?? 'message',
                data: current.data.join('\n'),
              });
            current = { data: [] };
          } else if (line.startsWith(':')) comments += 1;
          else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') current.id = value;
            else if (field === 'event') current.event = value;
            else if (field === 'data') current.data.push(value);
          }
        }
        check();
      });
      const ended = new Promise<void>((settle) => {
        const finish = () => {
          for (const waiter of waiters.splice(0))
            waiter.fail(new Error(`stream ended after ${messages.length} messages`));
          settle();
        };
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      });
      resolve({
        status: response.statusCode ?? 0,
        contentType: String(response.headers['content-type'] ?? ''),
        messages,
        comments: () => comments,
        received: (count) =>
          new Promise<StreamMessage[]>((settle, fail) => {
            waiters.push({ count, settle: () => settle(messages.slice(0, count)), fail });
            check();
          }),
        ended,
        drop: () => req.destroy(),
        response,
      });
    });
    req.end();
  });
