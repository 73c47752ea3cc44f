// watchStatusReporter: the line `serve` prints when file notifications are unavailable, once per reason.

import { watchStatusReporter } from '../../../src/cli/watch-status';

describe('watchStatusReporter', () => {
  it('unavailable twice for one reason, then another › two lines naming the fallback window', () => {
    const lines: string[] = [];
    const report = watchStatusReporter({ stderr: (text) => void lines.push(text) }, 1000);
    report({ kind: 'watching', folders: 3 }, '/srv/site');
    report(
      { kind: 'unavailable', reason: '/srv/site is on NFS, which does not notify changes' },
      '/srv/site',
    );
    report(
      { kind: 'unavailable', reason: '/srv/site is on NFS, which does not notify changes' },
      '/srv/site',
    );
    report({ kind: 'unavailable', reason: 'more than 4096 folders to watch' }, '/srv/site');
    expect(lines).toEqual([
      'cdn-include serve: file change notifications unavailable for /srv/site (/srv/site is on NFS, which does not notify changes); re-checking the files of a cached response at most every 1000 ms (--revalidate-window)\n',
      'cdn-include serve: file change notifications unavailable for /srv/site (more than 4096 folders to watch); re-checking the files of a cached response at most every 1000 ms (--revalidate-window)\n',
    ]);
  });

  it('a window of 0 › says every request checks', () => {
    const lines: string[] = [];
    watchStatusReporter({ stderr: (text) => void lines.push(text) }, 0)(
      { kind: 'unavailable', reason: 'x' },
      '/srv/site',
    );
    expect(lines[0]).toContain('checking the files of every cached response on each request');
  });
});
