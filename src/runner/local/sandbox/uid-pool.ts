/**
 * Hands out a uid per concurrent run. A uid of its own gives each run its own process limit
 * (RLIMIT_NPROC counts per uid) and makes "is anything of that run still alive?" a question
 * about one uid. The range is far above any real account.
 */
export const FIRST_SANDBOX_UID = 2_000_100;

export class UidPool {
  private readonly free: number[] = [];
  private next: number;

  constructor(first = FIRST_SANDBOX_UID) {
    this.next = first;
  }

  acquire(): number {
    return this.free.pop() ?? this.next++;
  }

  release(uid: number): void {
    this.free.push(uid);
  }
}
