import { MaxAppendSizeExceededError } from '@eventstore/db-client';
import { StoreFailure } from '../port';

export const failure = (message: string): StoreFailure => ({ _tag: 'StoreFailure', message });

export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const failureOf = (error: unknown): StoreFailure =>
  error instanceof MaxAppendSizeExceededError
    ? failure(
        `the batch exceeds EventStoreDB's maximum append size (${error.maxAppendSize} bytes): send fewer events, or raise the server's MaxAppendSize`,
      )
    : failure(`EventStoreDB: ${describe(error)}`);
