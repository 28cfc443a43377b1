import {
  Agent,
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
  request as httpRequest,
} from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import { Reparenting, createHttpServer } from '../../src/api';

/**
 * The server builds each request and response with the prototypes the app would give them (express re-parents
 * both on every request, which was slow on objects Node's own constructors built: see createHttpServer). What the
 * app sees must be the same objects Node would have built, only born under the app's prototypes.
 */
const serve = async (listener: RequestListener & Reparenting) => {
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

/** One request over `agent`: its status and its body as JSON. */
const exchange = (agent: Agent, url: string, method: string, body?: string) =>
  new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const sent = httpRequest(url, { method, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
    });
    sent.on('error', reject);
    sent.end(body);
  });

interface Seen {
  requestPrototype: object | null;
  responsePrototype: object | null;
  isRequest: boolean;
  isResponse: boolean;
  socket: object;
}

/** A listener that records what it was handed, echoes the request's method, URL and body, and answers 200. */
const recording = (seen: Seen[]): RequestListener => {
  return (req, res) => {
    seen.push({
      requestPrototype: Object.getPrototypeOf(req) as object | null,
      responsePrototype: Object.getPrototypeOf(res) as object | null,
      isRequest: req instanceof IncomingMessage,
      isResponse: res instanceof ServerResponse,
      socket: req.socket,
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
  it("keeps Node's own request and response when the app's prototypes are not Node's", async () => {
    const seen: Seen[] = [];
    const live = await serve(Object.assign(recording(seen), { request: {}, response: {} }));
    try {
      const answered = await fetch(`${live.url}/foreign`);
      expect(await answered.json()).toEqual({ method: 'GET', url: '/foreign', body: '' });
      expect(seen[0]?.requestPrototype).toBe(IncomingMessage.prototype);
      expect(seen[0]?.responsePrototype).toBe(ServerResponse.prototype);
    } finally {
      await live.close();
    }
  });

  it("builds requests and responses under the app's prototypes, fully working Node objects", async () => {
    const seen: Seen[] = [];
    const request = Object.create(IncomingMessage.prototype) as object;
    const response = Object.create(ServerResponse.prototype) as object;
    const live = await serve(Object.assign(recording(seen), { request, response }));
    try {
      // One connection, kept alive: the second request is built on the same socket, the same way.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        expect(await exchange(agent, `${live.url}/echo?x=1`, 'POST', 'a body')).toEqual({
          status: 200,
          json: { method: 'POST', url: '/echo?x=1', body: 'a body' },
        });
        expect(await exchange(agent, `${live.url}/again`, 'GET')).toEqual({
          status: 200,
          json: { method: 'GET', url: '/again', body: '' },
        });
      } finally {
        agent.destroy();
      }
      expect(seen).toHaveLength(2);
      expect(seen[1]?.socket).toBe(seen[0]?.socket);
      for (const each of seen) {
        expect(each.requestPrototype).toBe(request);
        expect(each.responsePrototype).toBe(response);
        expect(each.isRequest && each.isResponse).toBe(true);
      }
    } finally {
      await live.close();
    }
  });

  it("gives an express app's requests and responses its prototypes before express sees them", async () => {
    const app = express();
    app.get('/express', (req, res) => {
      res.json({ api: typeof req.get === 'function' && typeof res.json === 'function' });
    });
    const born: Array<{ request: object | null; response: object | null }> = [];
    // Notes the prototypes the server built the objects with, then hands them to express.
    const listener = Object.assign(
      (req: IncomingMessage, res: ServerResponse) => {
        born.push({
          request: Object.getPrototypeOf(req) as object | null,
          response: Object.getPrototypeOf(res) as object | null,
        });
        app(req, res);
      },
      { request: app.request, response: app.response },
    );
    const live = await serve(listener);
    try {
      const answered = await fetch(`${live.url}/express`);
      expect(await answered.json()).toEqual({ api: true });
      expect(born).toHaveLength(1);
      expect(born[0]?.request).toBe(app.request);
      expect(born[0]?.response).toBe(app.response);
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
      expect(seen).toHaveLength(1);
      expect(seen[0]?.requestPrototype).toBe(IncomingMessage.prototype);
      expect(seen[0]?.responsePrototype).toBe(ServerResponse.prototype);
    } finally {
      await live.close();
    }
  });
});
