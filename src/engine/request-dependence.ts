// What a render read from the request or the clock, so the HTTP layer can pick Vary and Cache-Control.
// Pure data and small helpers; no I/O.

/** How the bytes of a render depend on things other than the files in its dependency set. */
export interface RequestDependence {
  /** Request header names whose values reached the output (canonical case, e.g. `Accept-Language`); never `Host`. */
  headers: string[];
  /** The output read a header that identifies the user (`Cookie`, `Authorization`): shared caches must not store it. */
  personal: boolean;
  /** The output read the client's address or the whole environment (`REMOTE_*`, `printenv`). */
  client: boolean;
  /** The output read the clock (`DATE_LOCAL`, `DATE_GMT`, ap_expr `TIME*`). */
  time: boolean;
  /** The output read the request-target (`QUERY_STRING`, `DOCUMENT_ARGS`, `REQUEST_URI`, ap_expr `THE_REQUEST`). */
  target: boolean;
}
