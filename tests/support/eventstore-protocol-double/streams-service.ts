import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import {
  AllStreamPosition,
  BadRequest,
  Empty,
  MaximumAppendSizeExceeded,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Code } from '@eventstore/db-client/generated/code_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import {
  AppendOutcome,
  ExpectedState,
  LogPosition,
  LoggedEvent,
  ProposedEvent,
  TransactionLog,
  comparePositions,
} from './transaction-log';
import { SubscriptionControl } from './subscription-control';

/** The server's default checkpoint window for filtered reads (maxSearchWindow). */
const DEFAULT_SEARCH_WINDOW = 32;
const NO_POSITION = '18446744073709551615';

type ServiceError = Partial<grpc.StatusObject> & { code: grpc.status; details: string };

/** An error the way the server sends it: a status, and the `exception` trailer the client maps to its errors. */
const rpcError = (
  code: grpc.status,
  details: string,
  exception?: string,
  trailers: Record<string, string> = {},
): ServiceError => {
  const metadata = new grpc.Metadata();
  if (exception !== undefined) metadata.set('exception', exception);
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
};

const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

const identifierOf = (streamName: string): StreamIdentifier =>
  new StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Event ids arrive as a string or as two 64-bit halves; the server stores a Guid either way. */
const uuidOf = (uuid: UUID | undefined): string | undefined => {
  if (uuid === undefined) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured();
    const hex = [structured?.getMostSignificantBits(), structured?.getLeastSignificantBits()]
      .map((bits) =>
        BigInt.asUintN(64, BigInt(bits ?? '0'))
          .toString(16)
          .padStart(16, '0'),
      )
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid.getString().toLowerCase();
  return UUID_PATTERN.test(text) ? text : undefined;
};

const toUuid = (id: string, structured: boolean): UUID => {
  if (!structured) return new UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const signed = (half: string) => BigInt.asIntN(64, BigInt(`0x${half}`)).toString();
  return new UUID().setStructured(
    new UUID.Structured()
      .setMostSignificantBits(signed(hex.slice(0, 16)))
      .setLeastSignificantBits(signed(hex.slice(16))),
  );
};

type ProposedMessage = AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage;

const proposedEventOf = (message: ProposedMessage): ProposedEvent | ServiceError => {
  const id = uuidOf(message.getId());
  const type = message.getMetadataMap().get('type');
  const contentType = message.getMetadataMap().get('content-type');
  if (id === undefined) return rpcError(grpc.status.INVALID_ARGUMENT, 'event id is not a UUID');
  if (type === undefined || contentType === undefined)
    return rpcError(
      grpc.status.INVALID_ARGUMENT,
      `required metadata property ${type === undefined ? 'type' : 'content-type'} is missing`,
      'missing-required-metadata-property',
      { 'required-metadata-properties': 'type,content-type' },
    );
  return {
    id,
    type,
    contentType,
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
};

const isError = (value: ProposedEvent | ServiceError): value is ServiceError => 'code' in value;

const recordedEventOf = (event: LoggedEvent, structuredIds: boolean, withPosition: boolean) => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(event.id, structuredIds))
    .setStreamIdentifier(identifierOf(event.streamName))
    .setStreamRevision(String(event.revision))
    // Reads of a stream come from the index, which does not know positions (the server sends ulong max).
    .setCommitPosition(withPosition ? String(event.position.commit) : NO_POSITION)
    .setPreparePosition(withPosition ? String(event.position.prepare) : NO_POSITION)
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', String(event.created));
  const read = new ReadResp.ReadEvent().setEvent(recorded);
  if (withPosition) read.setCommitPosition(String(event.position.commit));
  else read.setNoPosition(new Empty());
  return new ReadResp().setEvent(read);
};

/** Which events a filtered read or subscription delivers; every other event only counts towards checkpoints. */
const filterOf = (options: ReadReq.Options): ((event: LoggedEvent) => boolean) => {
  if (!options.hasFilter()) return () => true;
  const filter = options.getFilter() as ReadReq.Options.FilterOptions;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (event) => {
    const subject = onStream ? event.streamName : event.type;
    return prefixes.length > 0 ? prefixes.some((p) => subject.startsWith(p)) : (regex?.test(subject) ?? true);
  };
};

const checkpointIntervalOf = (options: ReadReq.Options): number => {
  const filter = options.getFilter();
  if (filter === undefined) return Infinity;
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return Math.max(1, filter.getCheckpointintervalmultiplier()) * window;
};

const expectedOfAppend = (options: AppendReq.Options): ExpectedState =>
  options.hasRevision()
    ? { kind: 'revision', revision: Number(options.getRevision()) }
    : options.hasNoStream()
      ? { kind: 'no-stream' }
      : options.hasStreamExists()
        ? { kind: 'stream-exists' }
        : { kind: 'any' };

const expectedOfBatch = (options: BatchAppendReq.Options): ExpectedState =>
  options.hasStreamPosition()
    ? { kind: 'revision', revision: Number(options.getStreamPosition()) }
    : options.hasNoStream()
      ? { kind: 'no-stream' }
      : options.hasStreamExists()
        ? { kind: 'stream-exists' }
        : { kind: 'any' };

const appendResponse = (outcome: AppendOutcome, expected: ExpectedState): AppendResp => {
  const response = new AppendResp();
  if (outcome.kind === 'success') {
    const success = new AppendResp.Success();
    if (outcome.currentRevision >= 0) success.setCurrentRevision(String(outcome.currentRevision));
    else success.setNoStream(new Empty());
    if (outcome.position === undefined) success.setNoPosition(new Empty());
    else
      success.setPosition(
        new AppendResp.Position()
          .setCommitPosition(String(outcome.position.commit))
          .setPreparePosition(String(outcome.position.prepare)),
      );
    return response.setSuccess(success);
  }
  const wrong = new AppendResp.WrongExpectedVersion();
  if (outcome.currentRevision >= 0) wrong.setCurrentRevision(String(outcome.currentRevision));
  else wrong.setCurrentNoStream(new Empty());
  if (expected.kind === 'revision') wrong.setExpectedRevision(String(expected.revision));
  else if (expected.kind === 'no-stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream-exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return response.setWrongExpectedVersion(wrong);
};

/** BatchAppend reports a wrong expected version as a google.rpc.Status carrying WrongExpectedVersion details. */
const wrongExpectedVersionStatus = (currentRevision: number, expected: ExpectedState): Status => {
  const details = new WrongExpectedVersion();
  if (currentRevision >= 0) details.setCurrentStreamRevision(String(currentRevision));
  else details.setCurrentNoStream(new ProtobufEmpty());
  if (expected.kind === 'revision') details.setExpectedStreamPosition(String(expected.revision));
  else if (expected.kind === 'no-stream') details.setExpectedNoStream(new ProtobufEmpty());
  else if (expected.kind === 'stream-exists') details.setExpectedStreamExists(new ProtobufEmpty());
  else details.setExpectedAny(new ProtobufEmpty());
  return new Status()
    .setCode(Code.ALREADY_EXISTS)
    .setMessage('WrongExpectedVersion')
    .setDetails(packed(details, 'WrongExpectedVersion'));
};

const packed = (message: { serializeBinary(): Uint8Array }, typeName: string): Any => {
  const any = new Any();
  any.pack(message.serializeBinary(), `event_store.client.${typeName}`);
  return any;
};

const badRequestStatus = (message: string): Status =>
  new Status()
    .setCode(Code.INVALID_ARGUMENT)
    .setMessage('BadRequest')
    .setDetails(packed(new BadRequest().setMessage(message), 'BadRequest'));

const maximumAppendSizeStatus = (maxAppendSize: number): Status =>
  new Status()
    .setCode(Code.INVALID_ARGUMENT)
    .setMessage('MaximumAppendSizeExceeded')
    .setDetails(
      packed(new MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize), 'MaximumAppendSizeExceeded'),
    );

const appendSizeOf = (events: readonly ProposedEvent[]): number =>
  events.reduce((size, e) => size + e.data.length + e.customMetadata.length, 0);

export interface StreamsServiceOptions {
  /** The server refuses appends larger than this (its MaxAppendSize, 1 MiB by default). */
  readonly maxAppendSize: number;
  /** Counts the calls of each method, so tests can tell which path the client took. */
  readonly calls: Record<'read' | 'append' | 'batchAppend', number>;
}

/** The Streams service of EventStoreDB's gRPC protocol: Read (streams, $all, $all subscriptions), Append, BatchAppend. */
export const createStreamsService = (
  log: TransactionLog,
  control: SubscriptionControl,
  options: StreamsServiceOptions,
): IStreamsServer => {
  const tooLarge = (events: readonly ProposedEvent[]) => appendSizeOf(events) > options.maxAppendSize;

  const readStream = (call: grpc.ServerWritableStream<ReadReq, ReadResp>, read: ReadReq.Options) => {
    const streamOptions = read.getStream() as ReadReq.Options.StreamOptions;
    const stream = log.stream(streamNameOf(streamOptions.getStreamIdentifier()));
    if (stream === undefined) {
      const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamOptions.getStreamIdentifier());
      call.write(new ReadResp().setStreamNotFound(notFound));
      call.end();
      return;
    }
    const count = Number(read.getCount());
    const structured = read.getUuidOption()?.hasStructured() ?? false;
    const backwards = read.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const revision = streamOptions.hasRevision() ? Number(streamOptions.getRevision()) : undefined;
    const selected = backwards
      ? stream
          .slice(0, streamOptions.hasEnd() ? stream.length : (revision ?? -1) + 1)
          .reverse()
          .slice(0, count)
      : stream.slice(streamOptions.hasStart() ? 0 : (revision ?? stream.length)).slice(0, count);
    for (const event of selected) call.write(recordedEventOf(event, structured, false));
    call.end();
  };

  /** Forwards from a position includes the event there; backwards from it starts with the event before. */
  const readAll = (call: grpc.ServerWritableStream<ReadReq, ReadResp>, read: ReadReq.Options) => {
    const allOptions = read.getAll() as ReadReq.Options.AllOptions;
    const events = log.all();
    const count = Number(read.getCount());
    const structured = read.getUuidOption()?.hasStructured() ?? false;
    const matches = filterOf(read);
    const position = allOptions.getPosition();
    const at = position
      ? events.findIndex(
          (e) =>
            comparePositions(e.position, {
              commit: BigInt(position.getCommitPosition()),
              prepare: BigInt(position.getPreparePosition()),
            }) >= 0,
        )
      : -1;
    const from = allOptions.hasStart() ? 0 : allOptions.hasEnd() || at < 0 ? events.length : at;
    const backwards = read.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const ordered = backwards
      ? events.slice(0, allOptions.hasStart() ? 0 : from).reverse()
      : events.slice(from);
    for (const event of ordered.filter(matches).slice(0, count))
      call.write(recordedEventOf(event, structured, true));
    call.end();
  };

  /** Catch-up from a position (exclusive), then CaughtUp, then live; checkpoints on filtered subscriptions. */
  const subscribeToAll = async (
    call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    read: ReadReq.Options,
  ) => {
    const connectionName = String(call.metadata.get('connection-name')[0] ?? '');
    const allOptions = read.getAll() as ReadReq.Options.AllOptions;
    const position = allOptions.getPosition();
    const from: LogPosition | 'start' | 'end' = position
      ? { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) }
      : allOptions.hasEnd()
        ? 'end'
        : 'start';
    control.recordStart(connectionName, from);
    await control.admitted(connectionName);
    if (call.cancelled) return;

    const structured = read.getUuidOption()?.hasStructured() ?? false;
    const matches = filterOf(read);
    const interval = checkpointIntervalOf(read);
    let considered = 0;
    const consider = (event: LoggedEvent) => {
      if (matches(event)) call.write(recordedEventOf(event, structured, true));
      considered += 1;
      if (considered >= interval) {
        considered = 0;
        call.write(
          new ReadResp().setCheckpoint(
            new ReadResp.Checkpoint()
              .setCommitPosition(String(event.position.commit))
              .setPreparePosition(String(event.position.prepare)),
          ),
        );
      }
    };

    call.write(
      new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
    );
    const history = log.all();
    const start =
      from === 'start'
        ? 0
        : from === 'end'
          ? history.length
          : history.filter((e) => comparePositions(e.position, from) <= 0).length;
    for (const event of history.slice(start)) consider(event);
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    // Synchronous from the history to the listener: no append can fall between catch-up and live.
    const stopListening = log.onAppended((events) => events.forEach(consider));
    const forget = control.register(connectionName, (error) => {
      stopListening();
      call.emit('error', error);
    });
    call.on('cancelled', () => {
      stopListening();
      forget();
    });
  };

  return {
    read: (call) => {
      options.calls.read += 1;
      const read = call.request.getOptions();
      if (read === undefined)
        return call.emit('error', rpcError(grpc.status.INVALID_ARGUMENT, 'options missing'));
      if (read.hasSubscription()) {
        if (!read.hasAll())
          return call.emit(
            'error',
            rpcError(grpc.status.UNIMPLEMENTED, 'the protocol double models subscriptions to $all only'),
          );
        void subscribeToAll(call, read);
        return;
      }
      if (read.hasStream()) return readStream(call, read);
      return readAll(call, read);
    },

    append: (call, callback) => {
      options.calls.append += 1;
      let appendOptions: AppendReq.Options | undefined;
      const events: ProposedEvent[] = [];
      let refused: ServiceError | undefined;
      call.on('data', (request: AppendReq) => {
        if (refused !== undefined) return;
        if (appendOptions === undefined) {
          appendOptions = request.getOptions();
          if (appendOptions === undefined)
            refused = rpcError(grpc.status.INVALID_ARGUMENT, 'the first message must carry the options');
          return;
        }
        const message = request.getProposedMessage();
        const event = message
          ? proposedEventOf(message)
          : rpcError(grpc.status.INVALID_ARGUMENT, 'expected a proposed message');
        if (isError(event)) refused = event;
        else events.push(event);
      });
      call.on('end', () => {
        if (refused !== undefined || appendOptions === undefined)
          return callback(refused ?? rpcError(grpc.status.INVALID_ARGUMENT, 'no options'));
        if (tooLarge(events))
          return callback(
            rpcError(
              grpc.status.INVALID_ARGUMENT,
              `Maximum Append Size of ${options.maxAppendSize} Exceeded.`,
              'maximum-append-size-exceeded',
              { 'maximum-append-size': String(options.maxAppendSize) },
            ),
          );
        const expected = expectedOfAppend(appendOptions);
        const outcome = log.append(streamNameOf(appendOptions.getStreamIdentifier()), expected, events);
        return callback(null, appendResponse(outcome, expected));
      });
    },

    batchAppend: (call) => {
      options.calls.batchAppend += 1;
      const pending = new Map<
        string,
        { streamName: string; expected: ExpectedState; events: ProposedEvent[] }
      >();
      call.on('data', (request: BatchAppendReq) => {
        const correlation = request.getCorrelationId();
        const correlationId = uuidOf(correlation) ?? '';
        const batchOptions = request.getOptions();
        if (batchOptions !== undefined)
          pending.set(correlationId, {
            streamName: streamNameOf(batchOptions.getStreamIdentifier()),
            expected: expectedOfBatch(batchOptions),
            events: [],
          });
        const write = pending.get(correlationId);
        if (write === undefined) return;
        const response = new BatchAppendResp()
          .setCorrelationId(correlation)
          .setStreamIdentifier(identifierOf(write.streamName));
        for (const message of request.getProposedMessagesList()) {
          const event = proposedEventOf(message);
          if (isError(event)) {
            pending.delete(correlationId);
            call.write(response.setError(badRequestStatus(event.details)));
            return;
          }
          write.events.push(event);
        }
        if (!request.getIsFinal()) return;
        pending.delete(correlationId);
        if (tooLarge(write.events)) {
          call.write(response.setError(maximumAppendSizeStatus(options.maxAppendSize)));
          return;
        }
        const outcome = log.append(write.streamName, write.expected, write.events);
        if (outcome.kind === 'wrong-expected-version') {
          call.write(response.setError(wrongExpectedVersionStatus(outcome.currentRevision, write.expected)));
          return;
        }
        const success = new BatchAppendResp.Success();
        if (outcome.currentRevision >= 0) success.setCurrentRevision(String(outcome.currentRevision));
        else success.setNoStream(new ProtobufEmpty());
        if (outcome.position === undefined) success.setNoPosition(new ProtobufEmpty());
        else
          success.setPosition(
            new AllStreamPosition()
              .setCommitPosition(String(outcome.position.commit))
              .setPreparePosition(String(outcome.position.prepare)),
          );
        call.write(response.setSuccess(success));
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },

    delete: (_call, callback) =>
      callback(rpcError(grpc.status.UNIMPLEMENTED, 'the protocol double does not model deletion')),
    tombstone: (_call, callback) =>
      callback(rpcError(grpc.status.UNIMPLEMENTED, 'the protocol double does not model tombstones')),
  };
};
