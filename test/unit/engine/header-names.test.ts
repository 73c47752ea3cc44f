// Header names as Vary spells them, and the header a CGI-style HTTP_* variable stands for.

import { canonicalHeaderName, headerNameOfVariable } from '../../../src/engine/header-names';

describe('headerNameOfVariable', () => {
  it.each([
    ['HTTP_ACCEPT_LANGUAGE', 'Accept-Language'],
    ['HTTP_USER_AGENT', 'User-Agent'],
    ['HTTP_COOKIE', 'Cookie'],
    ['HTTP_X_FOO', 'X-Foo'],
    ['HTTP_DNT', 'DNT'],
    ['HTTP_X_FORWARDED_FOR', 'X-Forwarded-For'],
    ['HTTP_X_REAL_IP', 'X-Real-IP'],
    ['HTTP_SEC_CH_UA_MOBILE', 'Sec-CH-UA-Mobile'],
    ['HTTP_TE', 'TE'],
    ['HTTP_HOST', 'Host'],
  ])('when %s › %s', (variable, header) => {
    expect(headerNameOfVariable(variable.slice('HTTP_'.length))).toBe(header);
  });
});

describe('canonicalHeaderName', () => {
  it.each([
    ['accept-language', 'Accept-Language'],
    ['ACCEPT-LANGUAGE', 'Accept-Language'],
    ['x-lang', 'X-Lang'],
    ['cf-ipcountry', 'CF-IPCountry'],
    ['www-authenticate', 'WWW-Authenticate'],
  ])('when %s › %s', (name, canonical) => {
    expect(canonicalHeaderName(name)).toBe(canonical);
  });
});
