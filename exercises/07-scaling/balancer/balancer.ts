export type Strategy = 'round-robin' | 'least-connections' | 'weighted';

export interface Backend {
  id: string;
  /** Used by 'weighted' only: a whole number, 0 or more; 1 when left out. */
  weight?: number;
}

export interface Balancer {
  /** Picks the backend for a new request and counts it as one more request in flight there. */
  acquire(): string;
  /** The request sent to `id` has finished. Never takes a backend below 0 in flight. */
  release(id: string): void;
}

/**
 * A load balancer's choice of backend, one request at a time.
 *
 * - 'round-robin': the backends in list order, starting with the first, then again.
 * - 'least-connections': the backend with the fewest requests in flight (acquired and not yet
 *   released); a tie goes to the one listed first.
 * - 'weighted': in every run of W consecutive picks, where W is the sum of the weights, each
 *   backend is picked exactly `weight` times (so a weight of 0 is never picked). The picks are
 *   spread out, not sent in bursts: after any number of picks k, each backend has been picked
 *   within one of its share, k × weight / W.
 *
 * Throws a RangeError for an empty list, a repeated id, a weight that is not a whole number of
 * 0 or more, or (for 'weighted' only) weights that are all 0; and for release() of an id that
 * is not in the list.
 * Each balancer keeps its own state.
 */
export function createBalancer(strategy: Strategy, backends: readonly Backend[]): Balancer {
  // TODO: nothing here checks the list it was given.
  const ids = backends.map((backend) => backend.id);
  let next = 0;
  return {
    acquire() {
      // TODO: every strategy is round robin so far: fine while every request takes the same
      // time on every backend, and every backend is the same size.
      const id = ids[next % ids.length]!;
      next++;
      return id;
    },
    release(_id) {
      // TODO: nothing keeps count of what is in flight.
    },
  };
}
