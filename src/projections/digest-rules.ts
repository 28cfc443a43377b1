/**
 * How a view reaches the audit: a table with one entry per field of the view (the compiler holds it complete), each
 * either writing the field's facts into the digest or saying why the field is not a fact of its own (a count, a
 * pointer that moves with every development). A field cannot reach an answer without reaching history and diff.
 */
export interface DigestEntry {
  readonly value: string;
  readonly evidence?: string;
}
export type Digest = ReadonlyMap<string, DigestEntry>;

export type Put = (path: string, value: string | number | boolean | undefined, evidence?: string) => void;

export type FieldDigest<T, V = unknown> =
  ((value: NonNullable<T>, put: Put, view: V) => void) | { readonly skip: string };

export type DigestTable<V> = { readonly [K in keyof Required<V>]: FieldDigest<V[K], V> };

export const digestInto = <V extends object>(view: V, table: DigestTable<V>, put: Put): void => {
  for (const key of Object.keys(table) as Array<keyof V>) {
    const rule: FieldDigest<V[keyof V], V> = table[key];
    const value = view[key];
    if (typeof rule === 'function' && value !== undefined && value !== null) rule(value, put, view);
  }
};

export const createDigest = (): { readonly digest: Map<string, DigestEntry>; readonly put: Put } => {
  const digest = new Map<string, DigestEntry>();
  const put: Put = (path, value, evidence) => {
    if (value === undefined) return;
    const text = String(value);
    digest.set(path, evidence === undefined ? { value: text } : { value: text, evidence });
  };
  return { digest, put };
};

export const skip = (reason: string) => ({ skip: reason }) as const;
