// The in-memory limiter: a sliding window per customer and key, bounded
// memory, and no way for one customer's calls to forget another's limit.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from '../../src/server/index.js';

function clock(start = 1_000_000) {
  let at = start;
  return { now: () => at, advance: (ms: number) => void (at += ms) };
}

describe('createMemoryRateLimiter', () => {
  it('should allow `limit` calls per window and slide: the oldest call leaving frees one', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 2, windowMs: 10_000, now: time.now });
    expect(limiter.take('a1', 'alice')).toEqual({ allowed: true });
    time.advance(4000);
    expect(limiter.take('a1', 'alice')).toEqual({ allowed: true });
    expect(limiter.take('a1', 'alice')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    time.advance(6000);
    expect(limiter.take('a1', 'alice')).toEqual({ allowed: true });
    expect(limiter.take('a1', 'alice')).toMatchObject({ allowed: false });
    // Keys and customers have their own windows.
    expect(limiter.take('a2', 'alice')).toEqual({ allowed: true });
    expect(limiter.take('a1', 'bob')).toEqual({ allowed: true });
  });

  it('should give back the newest call on release', () => {
    const limiter = createMemoryRateLimiter({ limit: 1, now: clock().now });
    expect(limiter.take('a1', 'alice').allowed).toBe(true);
    limiter.release('a1', 'alice');
    expect(limiter.stats()).toEqual({ customers: 0, keys: 0 });
    expect(limiter.take('a1', 'alice').allowed).toBe(true);
    expect(limiter.take('a1', 'alice').allowed).toBe(false);
  });

  it("given one customer's calls on 20,000 keys, should keep another customer's counters and bound the first customer's", () => {
    const limiter = createMemoryRateLimiter({ limit: 2, maxKeysPerCustomer: 50, now: clock().now });
    limiter.take('b1', 'bob');
    limiter.take('b1', 'bob');
    limiter.take('b2', 'bob');
    for (let i = 0; i < 20_000; i += 1) limiter.take(`k${i}`, 'mallory');
    expect(limiter.stats()).toEqual({ customers: 2, keys: 2 + 50 });
    expect(limiter.take('b1', 'bob').allowed).toBe(false);
    // Bob's b2 is still at 1 of 2.
    expect(limiter.take('b2', 'bob').allowed).toBe(true);
    expect(limiter.take('b2', 'bob').allowed).toBe(false);
  });

  it("given a customer's keys past maxKeysPerCustomer, should forget its least recent unlimited key, never a limited one", () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 2, maxKeysPerCustomer: 2, now: time.now });
    limiter.take('limited', 'alice');
    limiter.take('limited', 'alice');
    limiter.take('half', 'alice');
    limiter.take('newer', 'alice'); // over 2 keys: `limited` is the least recent, but limited; `half` goes
    expect(limiter.take('limited', 'alice').allowed).toBe(false);
    expect(limiter.take('half', 'alice').allowed).toBe(true);
    expect(limiter.take('half', 'alice').allowed).toBe(true);
  });

  it('given more customers than maxCustomers, should forget the least recently active first', () => {
    const limiter = createMemoryRateLimiter({ limit: 2, maxCustomers: 3, now: clock().now });
    for (const customer of ['ann', 'ben', 'cy']) limiter.take('k', customer);
    limiter.take('k', 'ann'); // ann is now the most recent, and at her limit
    limiter.take('k', 'dee'); // one too many: ben (least recent) goes
    expect(limiter.stats().customers).toBe(3);
    expect(limiter.take('k', 'ann').allowed).toBe(false);
    expect(limiter.take('k', 'cy').allowed).toBe(true); // cy had 1 of 2: remembered
    expect(limiter.take('k', 'cy').allowed).toBe(false);
    expect(limiter.take('k', 'ben').allowed).toBe(true); // forgotten: a fresh budget
    expect(limiter.take('k', 'ben').allowed).toBe(true);
  });

  it('given a flood of 10,050 other customers, should never forget a customer limited within the window, and bound the rest', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 2, windowMs: 60_000, maxCustomers: 100, now: time.now });
    limiter.take('a1', 'alice');
    limiter.take('a1', 'alice');
    limiter.take('b1', 'bob'); // 1 of 2: not limited, may be forgotten
    for (let i = 0; i < 10_050; i += 1) limiter.take('x', `flood_${i}`);
    expect(limiter.stats().customers).toBeLessThanOrEqual(100);
    expect(limiter.take('a1', 'alice')).toMatchObject({ allowed: false });
    // Once alice's window has passed she may be forgotten like anyone else.
    time.advance(60_000);
    for (let i = 0; i < 200; i += 1) limiter.take('x', `later_${i}`);
    expect(limiter.stats().customers).toBeLessThanOrEqual(100);
  });

  it('given every remembered customer is limited, should grow past maxCustomers rather than lift a limit', () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 1, windowMs: 60_000, maxCustomers: 5, now: time.now });
    for (let i = 0; i < 40; i += 1) limiter.take('k', `c${i}`); // limit 1: each is limited after one call
    expect(limiter.stats().customers).toBe(40);
    for (let i = 0; i < 40; i += 1) expect(limiter.take('k', `c${i}`).allowed).toBe(false);
    time.advance(60_000);
    limiter.take('k', 'fresh');
    expect(limiter.stats().customers).toBeLessThan(40);
  });
});
