import { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { createHttpServer } from '../../src/api';

/**
 * The server builds each request and response with the prototypes the app would give them (express re-parents
 * both on every request, which costs V8 a new hidden class per object when Node's constructors built them). What
 * the app sees must be the same objects Node would have built, only born under the app's prototypes.
 */
const serve = async (listener: RequestListener & { request?: object; response?: object }) => {
  const server: Server = createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

interface Seen {
  requestPrototype: object | null;
  responsePrototype: object | null;
  isRequest: boolean;
  isResponse: boolean;
}

/** A listener that records what it was handed, echoes the request's method, URL and body, and answers 200. */
const recording = (seen: Seen[]): RequestListener => {
  return (req, res) => {
    seen.push({
      requestPrototype: Object.getPrototypeOf(req) as object | null,
      responsePrototype: Object.getPrototypeOf(res) as object | null,
      isRequest: req instanceof IncomingMessage,
      isResponse: res instanceof ServerResponse,
    });
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    });
  };
};

describe('the HTTP server', () => {
  it("builds requests and responses under the app's prototypes, fully working Node objects", async () => {
    const seen: Seen[] = [];
    const request = Object.create(IncomingMessage.prototype) as object;
    const response = Object.create(ServerResponse.prototype) as object;
    const live = await serve(Object.assign(recording(seen), { request, response }));
    try {
      const posted = await fetch(`${live.url}/echo?x=1`, { method: 'POST', body: 'a body' });
      expect(posted.status).toBe(200);
      expect(await posted.json()).toEqual({ method: 'POST', url: '/echo?x=1', body: 'a body' });
      // A second request on the same keep-alive connection is built the same way.
      const again = await fetch(`${live.url}/again`);
      expect(await again.json()).toEqual({ method: 'GET', url: '/again', body: '' });
      expect(seen).toHaveLength(2);
      for (const each of seen)
        expect(each).toEqual({
          requestPrototype: request,
          responsePrototype: response,
          isRequest: true,
          isResponse: true,
        });
    } finally {
      await live.close();
    }
  });

  it("keeps Node's own request and response when the app names no prototypes", async () => {
    const seen: Seen[] = [];
    const live = await serve(recording(seen));
    try {
      const answered = await fetch(`${live.url}/plain`);
      expect(answered.status).toBe(200);
      expect(seen).toEqual([
        {
          requestPrototype: IncomingMessage.prototype,
          responsePrototype: ServerResponse.prototype,
          isRequest: true,
          isResponse: true,
        },
      ]);
    } finally {
      await live.close();
    }
  });
});
