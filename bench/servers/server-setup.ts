// What every config writer in bench/servers/ is given: where to write, what to serve, as whom.

/** The shared inputs of the config writers. */
export interface ServerSetup {
  /** Temp folder of this run; each server writes its config, pid file and logs in a subfolder. */
  workDir: string;
  /** The generated site: SSI pages at the top, pre-rendered copies under static/. */
  siteRoot: string;
  /** The unprivileged user servers switch to when the bench runs as root. */
  runUser: string;
}

/** Whether this process runs as root, so nginx/Apache/lighttpd need an explicit user to switch to. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
