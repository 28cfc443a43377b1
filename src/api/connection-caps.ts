import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Notices } from './throttled-log';

/**
 * Connections serving a server-sent event stream: their request never ends, but a follower cut off reconnects and
 * resumes where it stopped, so at a cap they count as idle (since they began to stream) rather than busy.
 */
const streaming = new WeakSet<Socket>();

/** Marks a connection as a stream follower: evictable at a cap, like an idle one. */
export const markStreaming = (socket: Socket | null | undefined): void => {
  if (socket) streaming.add(socket);
};

interface Tracked {
  readonly address: string;
  /** Requests this connection has carried; 0 for one that never sent a complete request. */
  requests: number;
  busy: boolean;
  idleSince: number;
}

/**
 * Caps the connections open at once, in total and per client address. At a cap, the idle connection that matters
 * least makes room for the new one: first the oldest that never carried a request (what an attacker holding
 * connections open leaves), else the one idle longest (a stream follower counts from when it began). Connections
 * with another request in flight are never closed; a new connection is refused only when every counted one is busy. Both are logged (a summary line per window).
 */
export const capConnections = (
  server: Server,
  limits: { readonly maxConnections: number; readonly maxConnectionsPerClient: number },
  notices: Notices,
  trustedPeer: (address: string) => boolean,
): void => {
  // Insertion order is age order.
  const all = new Map<Socket, Tracked>();
  const byAddress = new Map<string, Set<Socket>>();

  const leastNeeded = (sockets: Iterable<Socket>): Socket | undefined => {
    let longestIdle: Socket | undefined;
    let since = Number.POSITIVE_INFINITY;
    for (const socket of sockets) {
      const tracked = all.get(socket);
      if (tracked === undefined || (tracked.busy && !streaming.has(socket))) continue;
      if (tracked.requests === 0) return socket;
      if (tracked.idleSince < since) {
        since = tracked.idleSince;
        longestIdle = socket;
      }
    }
    return longestIdle;
  };

  /** Makes room among `sockets` for one more; false when all of them are busy. */
  const makeRoom = (sockets: Iterable<Socket>, cap: string, address: string): boolean => {
    const victim = leastNeeded(sockets);
    if (victim === undefined) {
      notices.notice(
        'connections refused',
        { remoteAddress: address, cap },
        `refused a connection from ${address}: ${cap} reached and every connection counted has a request in flight`,
      );
      return false;
    }
    notices.notice(
      'idle connections closed to make room',
      { remoteAddress: all.get(victim)?.address, cap },
      `closed an idle connection from ${all.get(victim)?.address ?? 'an unknown address'} to make room: ${cap} reached`,
    );
    forget(victim);
    victim.destroy();
    return true;
  };

  const forget = (socket: Socket) => {
    const tracked = all.get(socket);
    if (tracked === undefined) return;
    all.delete(socket);
    const open = byAddress.get(tracked.address);
    open?.delete(socket);
    if (open?.size === 0) byAddress.delete(tracked.address);
  };

  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (
      all.size >= limits.maxConnections &&
      !makeRoom(all.keys(), `MAX_CONNECTIONS (${limits.maxConnections})`, address)
    ) {
      socket.destroy();
      return;
    }
    const counted = !trustedPeer(address);
    const open = byAddress.get(address) ?? new Set<Socket>();
    if (
      counted &&
      open.size >= limits.maxConnectionsPerClient &&
      !makeRoom(open, `MAX_CONNECTIONS_PER_CLIENT (${limits.maxConnectionsPerClient})`, address)
    ) {
      socket.destroy();
      return;
    }
    all.set(socket, { address, requests: 0, busy: false, idleSince: Date.now() });
    if (counted) {
      open.add(socket);
      byAddress.set(address, open);
    }
    socket.once('close', () => forget(socket));
  });

  server.on(
    'request',
    (req: { socket: Socket }, res: { once: (event: string, listener: () => void) => void }) => {
      const tracked = all.get(req.socket);
      if (tracked === undefined) return;
      tracked.requests += 1;
      tracked.busy = true;
      tracked.idleSince = Date.now();
      const done = () => {
        tracked.busy = false;
        tracked.idleSince = Date.now();
      };
      res.once('finish', done);
      res.once('close', done);
    },
  );
};
