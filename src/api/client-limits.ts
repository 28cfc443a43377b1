import { Request, RequestHandler, Response } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import { AccessPolicy, identify, identityOf } from './access';
import { sendProblem } from './problem';
import { problemType } from './problem-types';

/**
 * Request budgets per client, a minute at a time. Requests are identified first (without refusing any), so each
 * lands on the budget of who sent it: an authenticated writer's writes on its principal's, whatever address they
 * come from; requests with no token or a bad one on their address's own, small budget; reads on their own
 * budget, per principal or per address. Junk from the writer's address (or from behind the same proxy) then
 * cannot spend the writer's budget.
 */
export interface ClientBudgets {
  /** Writes a minute per authenticated principal (per address with open access). */
  readonly writesPerMinute: number;
  /** Reads a minute per principal, or per address for reads sent without a token. */
  readonly readsPerMinute: number;
  /** Requests a minute per address that needed a token and came without a valid one. */
  readonly anonymousPerMinute: number;
}

export const DEFAULT_CLIENT_BUDGETS: ClientBudgets = {
  writesPerMinute: 6000,
  readsPerMinute: 6000,
  anonymousPerMinute: 600,
};

type Budget = 'write' | 'read' | 'anonymous';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const budgetOf = (req: Request, res: Response): Budget => {
  const identity = identityOf(res);
  if (identity.kind === 'invalid') return 'anonymous';
  if (READ_METHODS.has(req.method)) return 'read';
  return identity.kind === 'none' ? 'anonymous' : 'write';
};

/** The principal's id when it is a real one; else the client's address (IPv6 by subnet, as one client). */
const clientKey = (req: Request, res: Response): string => {
  const identity = identityOf(res);
  return identity.kind === 'principal'
    ? `principal ${identity.principal.id}`
    : `address ${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
};

const DESCRIPTIONS: Record<Budget, (limit: number) => { title: string; detail: string; reason: string }> = {
  write: (limit) => ({
    title: 'Too many writes',
    detail: `At most ${limit} write requests a minute per writer; retry after the Retry-After delay.`,
    reason: `write rate limit of ${limit} a minute reached`,
  }),
  read: (limit) => ({
    title: 'Too many reads',
    detail: `At most ${limit} read requests a minute per client (per token, or per address without one); retry after the Retry-After delay.`,
    reason: `read rate limit of ${limit} a minute reached`,
  }),
  anonymous: (limit) => ({
    title: 'Too many requests without a valid token',
    detail: `At most ${limit} requests a minute per address that need a token and come without a valid one; send a valid token (its own budget) or retry after the Retry-After delay.`,
    reason: `limit of ${limit} unauthenticated requests a minute reached`,
  }),
};

const limiter = (budget: Budget, limit: number): RequestHandler =>
  rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: budget,
    skip: (req, res) => budgetOf(req, res) !== budget,
    keyGenerator: clientKey,
    handler: (_req, res) => {
      const { title, detail, reason } = DESCRIPTIONS[budget](limit);
      sendProblem(res, {
        type: problemType('rate-limited'),
        title,
        status: 429,
        detail,
        errors: [{ field: budget === 'anonymous' ? 'Authorization' : '(request)', reason }],
      });
    },
  });

/** Identifies the request, then counts it against its budget: 429 problem+json with Retry-After beyond it. */
export const clientLimits = (access: AccessPolicy, budgets: ClientBudgets): RequestHandler[] => [
  identify(access),
  limiter('anonymous', budgets.anonymousPerMinute),
  limiter('write', budgets.writesPerMinute),
  limiter('read', budgets.readsPerMinute),
];
