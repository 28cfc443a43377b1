import * as E from 'fp-ts/Either';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from '../support/contract-request';
import { createApp } from '../../src/api';
import { createTracker } from '../../src/application/tracker';
import { importNdjsonFiles } from '../../src/import';
import { eventLeafHash, verifyConsistency, verifyInclusion } from '../../src/store';
import {
  checkpointSigner,
  loadOrCreateSigningKey,
  openCheckpoint,
  parseVerifierKey,
} from '../../src/transparency';
import { ADAPTERS, Harness, harness } from '../support/app-harness';
import { REFERENCE_FILE, REFERENCE_ID } from '../support/reference-story';
import { appendAll, reported, unwrap } from '../support/builders';

const ORIGIN = 'example.test/negotiations';

describe.each(ADAPTERS)('signed checkpoints and proofs over HTTP on the %s store', (adapter) => {
  let h: Harness;
  let app: Harness['app'];
  let keyDir: string;
  beforeAll(async () => {
    h = harness(adapter);
    keyDir = mkdtempSync(join(tmpdir(), 'tracker-key-'));
    const tracker = createTracker({ store: h.store, newEventId: () => 'unused' });
    expect(E.isRight(await importNdjsonFiles(tracker, [REFERENCE_FILE], 'story-importer'))).toBe(true);
    const signer = checkpointSigner(loadOrCreateSigningKey(join(keyDir, 'key.pem'), ORIGIN));
    app = createApp({ tracker, clock: h.clock, storeName: adapter, checkpoints: { store: h.store, signer } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const servedKey = async () =>
    unwrap(parseVerifierKey((await request(app).get('/checkpoint/key').expect(200)).text));

  it('keeps its signing key readable by its owner alone', () => {
    expect(statSync(join(keyDir, 'key.pem')).mode & 0o777).toBe(0o600);
  });

  it('serves a C2SP checkpoint whose signature verifies with node crypto and the served key; one byte changed does not', async () => {
    const note = (
      await request(app)
        .get('/checkpoint')
        .expect(200)
        .expect('Content-Type', /text\/plain/)
    ).text;
    const [origin, size, root, blank, signature] = note.split('\n');
    expect([origin, size, blank]).toEqual([ORIGIN, '59', '']);
    expect(Buffer.from(root ?? '', 'base64')).toHaveLength(32);
    expect(signature).toMatch(new RegExp(`^\u2014 ${ORIGIN} [A-Za-z0-9+/]+=*$`));
    const key = await servedKey();
    // By hand, as any outside verifier would: key ID, then Ed25519 over the text (its final newline included).
    const signatureBytes = Buffer.from(signature?.split(' ')[2] ?? '', 'base64');
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey.toString('base64url') },
      format: 'jwk',
    });
    const text = `${origin}\n${size}\n${root}\n`;
    expect(verify(null, Buffer.from(text), publicKey, signatureBytes.subarray(4))).toBe(true);
    expect(unwrap(openCheckpoint(note, key))).toMatchObject({ origin: ORIGIN, size: 59 });
    // One byte changed in the origin, the size or the root: neither node crypto nor the reader accepts it.
    for (const at of [2, text.indexOf('\n') + 1, text.length - 5]) {
      const bytes = Buffer.from(note);
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
      const changed = bytes.toString();
      expect(
        verify(null, Buffer.from(changed.slice(0, text.length)), publicKey, signatureBytes.subarray(4)),
      ).toBe(false);
      expect(openCheckpoint(changed, key)).toEqual(
        E.left(expect.objectContaining({ reason: expect.stringMatching(/does not verify/) })),
      );
    }
  });

  it('proves an event is in a checkpoint, and an older checkpoint a prefix of a newer one', async () => {
    const key = await servedKey();
    const older = unwrap(openCheckpoint((await request(app).get('/checkpoint').expect(200)).text, key));
    const history = await request(app).get(`/negotiations/${REFERENCE_ID}/history?limit=5`).expect(200);
    const event = history.body.history[3] as { eventId: string; hash: string };
    const proof = (
      await request(app).get(`/events/${event.eventId}/proof?treeSize=${older.size}`).expect(200)
    ).body;
    expect(proof).toMatchObject({
      eventId: event.eventId,
      leafIndex: 3,
      treeSize: 59,
      eventHash: event.hash,
    });
    const path = (proof.proof as string[]).map((p) => Buffer.from(p, 'base64'));
    expect(
      verifyInclusion(proof.leafIndex, older.size, eventLeafHash(event.hash), path, older.rootHash),
    ).toBe(true);
    expect(
      verifyInclusion(proof.leafIndex, older.size, eventLeafHash('00'.repeat(32)), path, older.rootHash),
    ).toBe(false);

    await appendAll(
      h.store,
      [reported('TalksResumed', { venue: 'Doha' }), reported('TalksStalled', { reason: 'gaps' })],
      {
        negotiationId: 'another',
      },
    );
    const newer = unwrap(openCheckpoint((await request(app).get('/checkpoint').expect(200)).text, key));
    expect(newer.size).toBe(61);
    const consistency = (await request(app).get(`/checkpoint/consistency?from=59&to=61`).expect(200)).body;
    expect(consistency).toMatchObject({ from: 59, to: 61 });
    const steps = (consistency.proof as string[]).map((p) => Buffer.from(p, 'base64'));
    expect(verifyConsistency(59, 61, steps, older.rootHash, newer.rootHash)).toBe(true);
    expect(verifyConsistency(59, 61, steps, newer.rootHash, older.rootHash)).toBe(false);
  });

  it('answers a bad size or an unknown event with problem+json naming the field', async () => {
    const tooBig = await request(app).get('/checkpoint/consistency?from=2&to=999').expect(400);
    expect(tooBig.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(tooBig.body.errors).toEqual([
      { field: 'to', reason: expect.stringMatching(/must not exceed the log's current tree size/) },
    ]);
    expect((await request(app).get('/checkpoint/consistency').expect(400)).body.errors[0].field).toBe('from');
    expect((await request(app).get('/checkpoint/consistency?from=x').expect(400)).body.errors[0].field).toBe(
      'from',
    );
    const history = await request(app).get(`/negotiations/${REFERENCE_ID}/history?limit=5`).expect(200);
    const late = history.body.history[4].eventId as string;
    const beforeIt = await request(app).get(`/events/${late}/proof?treeSize=4`).expect(400);
    expect(beforeIt.body.errors).toEqual([{ field: 'treeSize', reason: 'must be at least 5' }]);
    const unknown = await request(app).get('/events/00000000-0000-4000-8000-000000000000/proof').expect(404);
    expect(unknown.body.errors[0].field).toBe('eventId');
    expect((await request(app).get('/events/not-a-uuid/proof').expect(400)).body.errors[0].field).toBe(
      'eventId',
    );
    expect((await request(app).post('/checkpoint').expect(405)).headers['allow']).toBe('GET');
  });
});
