/**
 * The CPU-bound work of this exercise: counts the primes below `limit` by trial division, on
 * purpose slowly. It never awaits, so wherever it runs, that thread does nothing else until it
 * returns.
 */
export function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
