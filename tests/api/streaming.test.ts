import type { Response } from 'express';
import { Writable } from 'node:stream';
import { boundedWriter, streamJsonObject } from '../../src/api/streaming';

/**
 * A client that stops reading: the server's side of its connection fills, and then nothing more is produced for
 * it; once it has read nothing for the stall timeout, it is cut off. Here the connection is a stream that never
 * drains, standing in for the socket of a paused client.
 */
const pausedClient = (highWaterMark: number) => {
  const accepted: string[] = [];
  const stream = new Writable({
    highWaterMark,
    write: (chunk: Buffer, _encoding, _callback) => {
      // Never calls back: the client never takes the bytes, so they stay buffered.
      accepted.push(chunk.toString());
    },
  });
  return { response: stream as unknown as Response, stream, accepted };
};

describe('writing to a client that stopped reading', () => {
  it('buffers at most the bound and one part, then waits; cut off after the stall timeout', async () => {
    const { response, stream } = pausedClient(1024);
    const cutOff: Array<{ stalledMs: number; bufferedBytes: number }> = [];
    const writer = boundedWriter(
      response,
      { maxBufferedBytes: 4096, stallTimeoutMs: 50, joinWindowMs: 0 },
      (d) => cutOff.push(d),
    );
    const part = 'x'.repeat(1000);
    let written = 0;
    let flowing = true;
    while (flowing && written < 1000) {
      flowing = await writer.write(part);
      written += 1;
    }
    expect(flowing).toBe(false);
    // The loop stopped long before the thousand parts: what the paused client holds is bounded.
    expect(written).toBeLessThan(10);
    expect(stream.writableLength).toBeLessThanOrEqual(4096 + part.length);
    expect(stream.destroyed).toBe(true);
    expect(cutOff).toEqual([{ stalledMs: 50, bufferedBytes: expect.any(Number) as number }]);
    expect(await writer.write(part)).toBe(false);
  });

  it('streams a JSON object that reads back as the same value, and stops producing items for a paused client', async () => {
    const whole: string[] = [];
    const reading = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        whole.push(chunk.toString());
        callback();
      },
    });
    const items = Array.from({ length: 250 }, (_, n) => ({ n, text: `item ${n}` }));
    const done = await streamJsonObject(
      reading as unknown as Response,
      boundedWriter(reading as unknown as Response),
      {
        head: { negotiationId: 'n', revision: 3 },
        key: 'items',
        items,
        tail: () => ({ next: 'later' }),
      },
    );
    expect(done).toBe(true);
    expect(JSON.parse(whole.join(''))).toEqual({ negotiationId: 'n', revision: 3, items, next: 'later' });

    const { response } = pausedClient(512);
    let produced = 0;
    function* counted() {
      for (const item of items) {
        produced += 1;
        yield item;
      }
    }
    const paused = await streamJsonObject(
      response,
      boundedWriter(response, { maxBufferedBytes: 1024, stallTimeoutMs: 30, joinWindowMs: 0 }),
      { head: {}, key: 'items', items: counted() },
    );
    expect(paused).toBe(false);
    expect(produced).toBeLessThan(items.length);
  });
});
