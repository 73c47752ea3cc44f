// The order in which a build works through its files: one from each folder in turn, so the pages in flight at
// once lie in different folders. Creating and renaming a file locks its folder (the directory inode's lock on
// Linux); render threads writing into one folder at the same time queued on it, spinning in the kernel.

/**
 * `paths` reordered one per folder in turn (a folder's own files keep their order).
 *
 * @example
 * interleavedByFolder(['/a/1', '/a/2', '/b/1']) // → ['/a/1', '/b/1', '/a/2']
 */
export function interleavedByFolder(paths: readonly string[]): string[] {
  const folders = new Map<string, string[]>();
  for (const path of paths) {
    const folder = path.slice(0, path.lastIndexOf('/'));
    const files = folders.get(folder);
    if (files) files.push(path);
    else folders.set(folder, [path]);
  }
  const order: string[] = [];
  // Folders still holding files for the round `index`: a folder once emptied is not visited again.
  let queues = [...folders.values()];
  for (let index = 0; queues.length > 0; index++) {
    for (const files of queues) order.push(files[index]);
    queues = queues.filter((files) => files.length > index + 1);
  }
  return order;
}
