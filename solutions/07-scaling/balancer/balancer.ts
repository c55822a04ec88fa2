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
  if (backends.length === 0) throw new RangeError('at least one backend is needed');
  const ids = backends.map((backend) => backend.id);
  if (new Set(ids).size !== ids.length) throw new RangeError('backend ids must be unique');
  const weights = backends.map((backend) => backend.weight ?? 1);
  if (!weights.every((weight) => Number.isInteger(weight) && weight >= 0)) {
    throw new RangeError('a weight must be a whole number, 0 or more');
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (strategy === 'weighted' && total === 0) throw new RangeError('all weights are 0');

  const inFlight = new Map(ids.map((id) => [id, 0]));
  const pickers: Record<Strategy, () => number> = {
    'round-robin': roundRobin(ids.length),
    'least-connections': () => {
      let best = 0;
      // Strictly fewer only, so that a tie keeps the backend listed first.
      for (const [i, id] of ids.entries()) {
        if (inFlight.get(id)! < inFlight.get(ids[best]!)!) best = i;
      }
      return best;
    },
    weighted: smoothWeighted(weights, total),
  };
  const pick = pickers[strategy];

  return {
    acquire() {
      const id = ids[pick()]!;
      inFlight.set(id, inFlight.get(id)! + 1);
      return id;
    },
    release(id) {
      const count = inFlight.get(id);
      if (count === undefined) throw new RangeError(`unknown backend ${id}`);
      // A second release of one request must not make a busy backend look idle.
      inFlight.set(id, Math.max(0, count - 1));
    },
  };
}

function roundRobin(count: number): () => number {
  let next = 0;
  return () => {
    const index = next;
    next = (next + 1) % count;
    return index;
  };
}

/**
 * Smooth weighted round robin (as in nginx): every pick adds each backend's weight to its
 * credit, takes the backend with the most credit and charges it the total. Over W picks each
 * backend gains weight × W and pays weight × W, so the counts are exact, and a heavy backend's
 * picks are spread out instead of sent in one burst.
 */
function smoothWeighted(weights: readonly number[], total: number): () => number {
  const credit = weights.map(() => 0);
  return () => {
    let best = 0;
    for (const [i, weight] of weights.entries()) {
      credit[i]! += weight;
      if (credit[i]! > credit[best]!) best = i;
    }
    credit[best]! -= total;
    return best;
  };
}
