// Rate limits for the link and sign-in endpoints: an in-memory token bucket per client IP and route (and, for the
// endpoints that send email, per address). In-memory is enough for one API process; with several, each process
// limits on its own (a shared store would be the next step). Behind a proxy, `trust proxy` decides what req.ip is.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../../lib/errors.js';

export interface BucketOptions {
  /** Requests allowed in a burst. */
  capacity: number;
  /** Tokens added back per minute. */
  refillPerMinute: number;
}

export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean;
  /** Seconds until `key` has a token again (0 when it has one). */
  retryAfter(key: string): number;
  /** Throws rate_limited when the client IP's bucket under `name` is empty (page handlers turn it into a page). */
  check(req: Request, name: string): void;
  /** Express middleware limiting per client IP under `name` (answers through the API's problem+json handler). */
  middleware(name: string): RequestHandler;
}

export function createRateLimiter(opts: BucketOptions & { now?: () => number; maxKeys?: number }): RateLimiter {
  const now = opts.now ?? (() => Date.now());
  const maxKeys = opts.maxKeys ?? 50_000;
  const perMs = opts.refillPerMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (key: string) => {
    const t = now();
    const b = buckets.get(key) ?? { tokens: opts.capacity, at: t };
    b.tokens = Math.min(opts.capacity, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.delete(key); // re-insert: the Map keeps the most recently used keys last
    buckets.set(key, b);
    if (buckets.size > maxKeys) buckets.delete(buckets.keys().next().value!);
    return b;
  };

  const limiter: RateLimiter = {
    take(key) {
      const b = refill(key);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    retryAfter(key) {
      const b = refill(key);
      return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / perMs / 1000);
    },
    check(req, name) {
      const key = `${name}|${clientKey(req)}`;
      if (!limiter.take(key)) throw new AppError('rate_limited', 'Too many requests. Wait a moment and try again.', { retryAfter: limiter.retryAfter(key) });
    },
    middleware(name) {
      return (req, _res, next) => {
        const key = `${name}|${clientKey(req)}`;
        if (limiter.take(key)) return next();
        next(new AppError('rate_limited', 'Too many requests. Wait a moment and try again.', { retryAfter: limiter.retryAfter(key) }));
      };
    },
  };
  return limiter;
}

const clientKey = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The limits of the page layer (per client IP unless said otherwise). */
export interface PageLimits {
  /** Opening and posting decision links and sign-in links. */
  links: RateLimiter;
  /** Requests that send an email ("send me a new link", "email me a sign-in link"), per IP… */
  mailRequests: RateLimiter;
  /** …and per email address (silently: the answer never tells). */
  mailPerAddress: RateLimiter;
}

export const createPageLimits = (): PageLimits => ({
  links: createRateLimiter({ capacity: 60, refillPerMinute: 30 }),
  mailRequests: createRateLimiter({ capacity: 5, refillPerMinute: 5 / 60 }),
  mailPerAddress: createRateLimiter({ capacity: 3, refillPerMinute: 3 / 60 }),
});
