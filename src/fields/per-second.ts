// Formatting of times that show whole seconds only (HTTP dates, the access log's `%t`): the responses of one second
// share their text, so each second is formatted once, not once per response.

/** How many seconds' texts are kept (a Last-Modified may be any second; the current ones repeat). */
const KEPT_SECONDS = 64;

/**
 * `format`, remembering its text for the seconds met lately. `format` is given the whole second, in epoch ms.
 * @example const httpDateOf = formattedPerSecond(formatHttpDate); httpDateOf(Date.now());
 */
export function formattedPerSecond(format: (secondMs: number) => string): (epochMs: number) => string {
  const texts = new Map<number, string>();
  return (epochMs) => {
    const second = Math.floor(epochMs / 1000);
    let text = texts.get(second);
    if (text === undefined) {
      // Bounded: the seconds in use come again; a full map is simply started again.
      if (texts.size >= KEPT_SECONDS) texts.clear();
      text = format(second * 1000);
      texts.set(second, text);
    }
    return text;
  };
}
