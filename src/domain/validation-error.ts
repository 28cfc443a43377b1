import * as t from 'io-ts';

/** One reason an input was refused, with the dotted path of the offending field ("payload.phases.0.name"). */
export interface FieldViolation {
  readonly field: string;
  readonly reason: string;
}

const describeValue = (value: unknown): string => {
  if (value === undefined) return 'is required';
  if (value === null) return 'must not be null';
  return `has an invalid value`;
};

/**
 * Turns io-ts errors into field violations. Union branches and intersections add context entries whose key is
 * empty or a branch index; only keys that come from the input's own structure are kept in the path.
 */
export const toFieldViolations = (errors: t.Errors, prefix = ''): FieldViolation[] => {
  const seen = new Set<string>();
  const violations: FieldViolation[] = [];
  for (const error of errors) {
    const keys: string[] = [];
    error.context.forEach((entry, index) => {
      if (index === 0 || entry.key === '') return;
      const parent = error.context[index - 1]?.type;
      if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) return;
      keys.push(entry.key);
    });
    const path = [prefix, ...keys].filter((k) => k !== '').join('.');
    const field = path === '' ? '(body)' : path;
    const reason = error.value === undefined ? 'is required' : (error.message ?? describeValue(error.value));
    const signature = `${field}\u0000${reason}`;
    if (!seen.has(signature)) {
      seen.add(signature);
      violations.push({ field, reason });
    }
  }
  return violations;
};
