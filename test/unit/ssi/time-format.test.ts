// time-format tests: expected strings were printed by glibc 2.36 strftime fed as apr_strftime feeds it.

import { fork, type ChildProcess } from 'node:child_process';
import { DEFAULT_TIME_FORMAT, formatTime } from '../../../src/ssi/time-format';

const TUESDAY = Date.UTC(2025, 2, 4, 10, 15, 30); // 1741083330 s
const SUMMER = Date.UTC(2025, 6, 1, 10, 0, 0); // 1751364000 s

type Zone = 'gmt' | 'local';

/**
 * One child Node process (test/support/time-zone-child.js) runs formatTime under any TZ: jest gives tests a copy
 * of process.env, so setting TZ in-process does not reach the Date implementation. One child for the whole file:
 * each child loads TypeScript, which costs about a second.
 */
let child: ChildProcess;
let lastId = 0;
const waiting = new Map<number, (results: string[]) => void>();

beforeAll(() => {
  child = fork(
    require.resolve('../../support/time-zone-child.js'),
    [require.resolve('../../../src/ssi/time-format.ts')],
    { execArgv: [], env: { ...process.env, TZ: 'UTC' } },
  );
  child.on('message', (message: { id: number; results: string[] }) => {
    waiting.get(message.id)?.(message.results);
    waiting.delete(message.id);
  });
});

afterAll(() => child.disconnect());

function formatInZone(
  zone: string,
  cases: ReadonlyArray<readonly [string, number, Zone]>,
): Promise<string[]> {
  const id = ++lastId;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    child.send({ id, zone, cases });
  });
}

async function withZone(zone: string, format: string, epochMs: number, mode: Zone): Promise<string> {
  return (await formatInZone(zone, [[format, epochMs, mode]]))[0];
}

describe('formatTime', () => {
  it.each([
    [DEFAULT_TIME_FORMAT, 'Tuesday, 04-Mar-2025 10:15:30 UTC'],
    ['%a %A %b %B %h', 'Tue Tuesday Mar March Mar'],
    ['%c', 'Tue Mar  4 10:15:30 2025'],
    ['%C %d %D %e %F', '20 04 03/04/25  4 2025-03-04'],
    ['%g %G %V', '25 2025 10'],
    ['%H %I %j %k %l', '10 10 063 10 10'],
    ['%m %M %n %p %P', '03 15 \n AM am'],
    ['%r %R %s %S %t %T', '10:15:30 AM 10:15 1741083330 30 \t 10:15:30'],
    ['%u %U %w %W', '2 09 2 09'],
    ['%x %X %y %Y %z %Z %%', '03/04/25 10:15:30 25 2025 +0000 UTC %'],
    ['%Q %5Q %^q %', '%Q   %5Q %^Q %'],
    ['%-d %_H %^a %#Z %#p %10A %05e %-3j', '4 10 TUE utc am    Tuesday 00004  63'],
    ['%Ey %Oy %Ed %Od %Oc', '25 25 %Ed 04 %Oc'],
    ['no conversions', 'no conversions'],
  ])('local under TZ=UTC, %j › %j', async (format, expected) => {
    expect(await withZone('UTC', format, TUESDAY, 'local')).toBe(expected);
  });

  it.each([
    ['%G-W%V-%u %g', Date.UTC(2021, 0, 1), '2020-W53-5 20'],
    ['%G-W%V-%u %U %W %j', Date.UTC(2023, 11, 31, 23, 59, 59), '2023-W52-7 53 52 365'],
    ['%G-W%V-%u %U %W', Date.UTC(2024, 11, 31), '2025-W01-2 52 53'],
    ['%I %l %p %r', Date.UTC(1970, 0, 1, 12), '12 12 PM 12:00:00 PM'],
  ])('ISO weeks and 12-hour clock, %j › %j', (format, epochMs, expected) => {
    expect(formatTime(format, epochMs, 'gmt')).toBe(expected);
  });

  it('gmt › prints %Z as GMT and %z as +0000, like DATE_GMT', async () => {
    expect(formatTime(DEFAULT_TIME_FORMAT, TUESDAY, 'gmt')).toBe('Tuesday, 04-Mar-2025 10:15:30 GMT');
    expect(await withZone('Europe/Berlin', '%H %Z %z %%Z', SUMMER, 'gmt')).toBe('10 GMT +0000 %Z');
  });

  it('gmt under a zone in summer time › %s is mktime of the UTC fields as local standard time', async () => {
    expect(await withZone('Europe/Berlin', '%s', SUMMER, 'gmt')).toBe('1751360400');
  });

  it.each([
    ['Europe/Berlin', SUMMER, '12 CEST +0200 1751364000'],
    ['Europe/Berlin', TUESDAY, '11 CET +0100 1741083330'],
    ['America/New_York', SUMMER, '06 EDT -0400 1751364000'],
    ['Asia/Kolkata', SUMMER, '15 IST +0530 1751364000'],
  ])('local under TZ=%s › zone abbreviation and offset', async (zone, epochMs, expected) => {
    expect(await withZone(zone, '%H %Z %z %s', epochMs, 'local')).toBe(expected);
  });

  it('fractions of a second › are dropped', async () => {
    expect(formatTime('%S %s', TUESDAY + 999, 'gmt').slice(0, 2)).toBe('30');
    expect(await withZone('UTC', '%S %s', TUESDAY + 999, 'gmt')).toBe('30 1741083330');
  });
});
