/** What a breaker is doing right now. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** The rejection of a call the breaker refused without calling the dependency. */
export class CircuitOpenError extends Error {
  constructor() {
    super('The circuit is open: the call was refused without reaching the dependency.');
    this.name = 'CircuitOpenError';
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures, while closed, that open the circuit. A whole number, 1 or more. */
  failureThreshold: number;
  /** How long the circuit stays open before it lets one trial call through. More than 0, finite. */
  coolDownMs: number;
  /** The current time in milliseconds. The breaker reads time from nothing else. */
  now: () => number;
}

export interface CircuitBreaker<Args extends unknown[], Result> {
  /** Calls the dependency with `args`, or refuses at once with a CircuitOpenError. */
  call(...args: Args): Promise<Result>;
  /** The state at options.now(). */
  state(): CircuitState;
}

/**
 * Wraps `dependency` (a call to another service) in a circuit breaker.
 *
 * - Closed: every call goes through and settles as the dependency's did, with its own value or
 *   error. A call that rejects (or throws) is a failure, one that resolves a success; a success
 *   resets the count of consecutive failures. The failure that makes `failureThreshold` in a
 *   row opens the circuit, at the moment it arrives.
 * - Open: every call rejects with a CircuitOpenError (call() never throws: it returns a
 *   rejected promise) without calling the dependency, until `coolDownMs` have passed since the
 *   circuit opened.
 * - Half-open: from then on, the next call is the trial and goes through; while it is in flight,
 *   every other call fails fast as when open. A trial that succeeds closes the circuit (with no
 *   failures counted); one that fails opens it again, for a new cool-down from that moment.
 *
 * Only the calls the breaker let through in the current state count: a call that settles after
 * the state it started in has ended (a slow call from before the circuit opened) still settles
 * for its caller, but changes nothing. Throws a RangeError for options out of range.
 */
export function circuitBreaker<Args extends unknown[], Result>(
  dependency: (...args: Args) => Promise<Result>,
  options: CircuitBreakerOptions,
): CircuitBreaker<Args, Result> {
  const { failureThreshold, coolDownMs, now } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError('failureThreshold must be a whole number, 1 or more');
  }
  if (!(coolDownMs > 0) || !Number.isFinite(coolDownMs)) {
    throw new RangeError('coolDownMs must be more than 0 and finite');
  }

  // TODO: this counts every failure ever, not failures in a row.
  let failures = 0;
  let openedAt: number | undefined;

  function state(): CircuitState {
    // TODO: when the cool-down ends, this lets every waiting caller through at once.
    if (openedAt !== undefined && now() - openedAt >= coolDownMs) openedAt = undefined;
    return openedAt === undefined ? 'closed' : 'open';
  }

  async function call(...args: Args): Promise<Result> {
    if (state() === 'open') throw new CircuitOpenError();
    try {
      return await dependency(...args);
    } catch (error) {
      // TODO: every result counts here, whenever its call began.
      failures++;
      if (failures >= failureThreshold) openedAt = now();
      throw error;
    }
  }

  return { call, state };
}
