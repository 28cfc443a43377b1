import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Principal, Role, roleAllows } from '../auth';
import { sendProblem } from './problem';
import { problemType } from './problem-types';

/** Who may do what. The composition root builds one from the configured tokens. */
export interface AccessPolicy {
  /** The principal a presented bearer token or API key belongs to. */
  readonly principalFor: (token: string) => Principal | undefined;
  /** When false, reads need no token (a token, if sent, must still be valid). */
  readonly readsRequireAuth: boolean;
}

/** For tests and local experiments only: every request acts as an anonymous admin. */
export const OPEN_ACCESS: AccessPolicy & { readonly open: true } = {
  principalFor: () => undefined,
  readsRequireAuth: false,
  open: true,
};

const ANONYMOUS_ADMIN: Principal = { id: 'anonymous', role: 'admin' };
const ANONYMOUS_READER: Principal = { id: 'anonymous', role: 'reader' };

const presentedToken = (req: Request): string | undefined => {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  return req.get('x-api-key');
};

export const principalOf = (res: Response): Principal =>
  (res.locals as { principal?: Principal }).principal ?? ANONYMOUS_READER;

const unauthorized = (res: Response, detail: string) =>
  sendProblem(
    res,
    {
      type: problemType('unauthorized'),
      title: 'Authentication required',
      status: 401,
      detail,
      errors: [{ field: 'Authorization', reason: detail }],
    },
    { 'WWW-Authenticate': 'Bearer realm="negotiation-tracker"' },
  );

/** Who sent a request, as far as its token says (before any role is required). */
export type Identity =
  | { readonly kind: 'principal'; readonly principal: Principal }
  /** OPEN_ACCESS: everyone is an anonymous admin. */
  | { readonly kind: 'open' }
  | { readonly kind: 'none' }
  /** A token was sent and is not valid. */
  | { readonly kind: 'invalid' };

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
const isLoopback = (address: string): boolean =>
  address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);

/**
 * Whether a request may see the server's inner details (paths, disk space, queues): from this machine (its
 * address past trusted proxies), with any valid token, or on an open server.
 */
export const seesDetails = (policy: AccessPolicy, req: Request): boolean => {
  if (isLoopback(req.ip ?? '')) return true;
  const identity = identityFor(policy, req);
  return identity.kind === 'open' || identity.kind === 'principal';
};

const identityFor = (policy: AccessPolicy, req: Request): Identity => {
  if ('open' in policy) return { kind: 'open' };
  const token = presentedToken(req);
  if (token === undefined) return { kind: 'none' };
  const principal = token === '' ? undefined : policy.principalFor(token);
  return principal === undefined ? { kind: 'invalid' } : { kind: 'principal', principal };
};

/** Works out who sent the request without refusing it (limits are then counted per principal). */
export const identify =
  (policy: AccessPolicy): RequestHandler =>
  (req, res, next) => {
    res.locals['identity'] = identityFor(policy, req);
    next();
  };

export const identityOf = (res: Response): Identity =>
  (res.locals as { identity?: Identity }).identity ?? { kind: 'none' };

/** Lets a request through when its principal holds `role`; 401 without a valid token, 403 with too weak a one. */
export const requireRole =
  (policy: AccessPolicy, role: Role): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    const identity = (res.locals as { identity?: Identity }).identity ?? identityFor(policy, req);
    switch (identity.kind) {
      case 'open':
        res.locals['principal'] = ANONYMOUS_ADMIN;
        return next();
      case 'none':
        if (role === 'reader' && !policy.readsRequireAuth) return next();
        return unauthorized(res, 'send "Authorization: Bearer <token>" (or X-API-Key)');
      case 'invalid':
        return unauthorized(res, 'the token is not valid');
      case 'principal': {
        const { principal } = identity;
        if (!roleAllows(principal.role, role))
          return sendProblem(res, {
            type: problemType('forbidden'),
            title: 'Not allowed',
            status: 403,
            detail: `${principal.id} holds the ${principal.role} role; this needs ${role}.`,
            errors: [
              { field: 'Authorization', reason: `role ${principal.role} may not do this (needs ${role})` },
            ],
          });
        res.locals['principal'] = principal;
        return next();
      }
      default: {
        const exhaustive: never = identity;
        return exhaustive;
      }
    }
  };
