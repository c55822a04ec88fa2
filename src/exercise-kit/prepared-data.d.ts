export interface PreparedData {
  /** The uncompressed tar: fastest to load, used on the local runner. */
  tar: string;
  /** The gzipped tar: a tenth of the size, shipped to browsers in the WebContainer snapshot. */
  tarGz: string;
}

export function preparedDataPaths(from?: string): PreparedData;

export function findPreparedData(): string | undefined;
