// Runs asynchronous work over a list with at most N tasks in flight. No I/O of its own.

/**
 * Maps `items` through `task`, running at most `limit` tasks at once, and returns the results in input order.
 * A task that rejects rejects the whole map, so tasks catch what they mean to report.
 *
 * @example
 * const sizes = await mapConcurrently(paths, 8, async (path) => (await stat(path)).size);
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
