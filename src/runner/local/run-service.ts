/**
 * The local runner as a service for many learners at once: a bounded number of runs in
 * parallel (default: one per core), a bounded queue behind them, and a token bucket per client.
 * Past capacity a request is refused at once with 503 and Retry-After, never left hanging;
 * a client that runs too often gets 429. On shutdown it stops taking runs, lets those in
 * flight finish for a while, then aborts the rest (their workspaces are removed either way).
 */
import { availableParallelism } from 'node:os';
import type { RunResult } from '../result.ts';
import type { RunRequest } from '../runner.ts';
import type { LocalRunner } from './local-runner.ts';

export interface RunServiceOptions {
  maxConcurrent?: number;
  /** Runs waiting for a slot before new ones are refused. */
  maxQueue?: number;
  /** Token bucket per client: burst size and tokens per second. */
  rate?: { capacity: number; refillPerSecond: number };
  now?: () => number;
}

export type Admission =
  | { ok: true; result: RunResult }
  | {
      ok: false;
      status: 429 | 503;
      retryAfterSeconds: number;
      code: string;
      message: string;
      hint: string;
    };

const SHUTTING_DOWN: Admission = {
  ok: false,
  status: 503,
  retryAfterSeconds: 5,
  code: 'shutting-down',
  message: 'The runner is restarting and is not taking new runs.',
  hint: 'Press Run again in a few seconds. Your code is saved in this browser.',
};

interface Bucket {
  tokens: number;
  updated: number;
}

export class RunService {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  readonly runner: LocalRunner;
  private readonly rate: { capacity: number; refillPerSecond: number };
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  private readonly waiting: Array<() => void> = [];
  private readonly inFlight = new Set<AbortController>();
  private running = 0;
  private draining = false;
  /** Recent run durations, for a Retry-After that means something. */
  private averageRunMs = 1000;

  constructor(runner: LocalRunner, options: RunServiceOptions = {}) {
    this.runner = runner;
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? availableParallelism());
    this.maxQueue = Math.max(0, options.maxQueue ?? this.maxConcurrent * 16);
    this.rate = options.rate ?? { capacity: 20, refillPerSecond: 1 };
    this.now = options.now ?? Date.now;
  }

  get status(): { running: number; queued: number; draining: boolean } {
    return { running: this.running, queued: this.waiting.length, draining: this.draining };
  }

  /** Ready for more work: not shutting down and the queue has room. */
  get ready(): boolean {
    return !this.draining && this.waiting.length < this.maxQueue;
  }

  private takeToken(client: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.rate.capacity, updated: now };
    bucket.tokens = Math.min(
      this.rate.capacity,
      bucket.tokens + ((now - bucket.updated) / 1000) * this.rate.refillPerSecond,
    );
    bucket.updated = now;
    this.buckets.set(client, bucket);
    // Idle clients' buckets are full again: forget them so the map cannot grow forever.
    if (this.buckets.size > 10_000) {
      for (const [key, b] of this.buckets)
        if (b.tokens >= this.rate.capacity) this.buckets.delete(key);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Admits a run (tests, or with `work`, anything else such as an example) under the limits. */
  async submit(
    client: string,
    request: RunRequest | ((signal: AbortSignal) => Promise<RunResult>),
    signal?: AbortSignal,
  ): Promise<Admission> {
    if (this.draining) {
      return SHUTTING_DOWN;
    }
    if (!this.takeToken(client)) {
      return {
        ok: false,
        status: 429,
        retryAfterSeconds: Math.ceil(1 / this.rate.refillPerSecond),
        code: 'rate-limited',
        message: 'Too many runs from this browser in a short time.',
        hint: `Wait ${Math.ceil(1 / this.rate.refillPerSecond)} s before pressing Run again.`,
      };
    }
    if (this.running >= this.maxConcurrent && this.waiting.length >= this.maxQueue) {
      const retry = Math.max(
        1,
        Math.ceil(((this.waiting.length / this.maxConcurrent) * this.averageRunMs) / 1000),
      );
      return {
        ok: false,
        status: 503,
        retryAfterSeconds: retry,
        code: 'busy',
        message: "The runner is busy with other learners' runs right now.",
        hint: `Press Run again in about ${retry} s. Your code is saved in this browser.`,
      };
    }
    if (this.running >= this.maxConcurrent) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.draining) {
        this.waiting.shift()?.();
        return SHUTTING_DOWN;
      }
    }
    this.running += 1;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    this.inFlight.add(controller);
    const started = this.now();
    try {
      const result =
        typeof request === 'function'
          ? await request(controller.signal)
          : await this.runner.run(request, { signal: controller.signal });
      this.averageRunMs = this.averageRunMs * 0.8 + (this.now() - started) * 0.2;
      return { ok: true, result };
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(controller);
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /**
   * Stops taking runs; waits up to `graceMs` for those in flight, then aborts them (which kills
   * their sandboxes and removes their workspaces) and waits for that to finish.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const deadline = this.now() + graceMs;
    while (this.running > 0 && this.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const controller of this.inFlight) controller.abort();
    // Queued runs wake up, see the service draining and leave.
    this.waiting.shift()?.();
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
  }
}
