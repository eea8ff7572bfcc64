import { describe, expect, it } from 'vitest';
import { WidgetUrlError, validateWidgetUrl, type WidgetUrlErrorKind } from '../../src/core/index.js';

describe('validateWidgetUrl', () => {
  it.each([
    'https://institution-connect-sb.meld.io/?connectToken=abc',
    'https://institution-connect.meld.io/?connectToken=abc#step',
    'https://meld.io/connect',
    'https://a.b.meld.io/x',
    'HTTPS://INSTITUTION-CONNECT.MELD.IO/?connectToken=abc',
  ])('given %s, should accept it', (url) => {
    expect(validateWidgetUrl(url)).toBeInstanceOf(URL);
  });

  // The hostile list: each must be refused, with the kind of problem the kit names.
  it.each<[string, unknown, WidgetUrlErrorKind]>([
    ['javascript: URL', 'javascript:alert(1)', 'protocol'],
    ['javascript: with meld.io in it', 'javascript://meld.io/%0aalert(1)', 'protocol'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>', 'protocol'],
    ['blob: URL', 'blob:https://meld.io/1234', 'protocol'],
    ['file: URL', 'file:///etc/passwd', 'protocol'],
    ['ftp: URL', 'ftp://meld.io/widget', 'protocol'],
    ['vbscript: URL', 'vbscript:msgbox(1)', 'protocol'],
    ['relative path', '/connect?connectToken=abc', 'relative'],
    ['relative file', 'widget.html', 'relative'],
    ['protocol-relative', '//institution-connect.meld.io/?t=1', 'relative'],
    ['backslash protocol-relative', '\\\\evil.com/meld.io', 'relative'],
    ['lookalike suffix', 'https://meld.io.evil.com/', 'host'],
    ['lookalike prefix', 'https://xmeld.io/', 'host'],
    ['lookalike hyphen', 'https://evil-meld.io/', 'host'],
    ['trailing dot', 'https://meld.io./', 'host'],
    ['unicode lookalike (Cyrillic o)', 'https://meld.i\u043e/', 'host'],
    ['IP address', 'https://192.168.1.10/', 'host'],
    ['meld.io with a port', 'https://institution-connect.meld.io:8443/', 'host'],
    ['@ trick', 'https://meld.io@evil.com/', 'credentials'],
    ['user and password', 'https://user:pass@institution-connect.meld.io/', 'credentials'],
    ['plain http on meld.io', 'http://institution-connect.meld.io/', 'insecure'],
    ['leading space', ' https://meld.io/', 'whitespace'],
    ['trailing newline', 'https://meld.io/\n', 'whitespace'],
    ['tab inside', 'https://me\tld.io/', 'whitespace'],
    ['null byte', 'https://meld.io/\u0000', 'whitespace'],
    ['zero-width space', 'https://meld.io\u200b/', 'whitespace'],
    ['line separator', 'https://meld.io/\u2028', 'whitespace'],
    ['empty string', '', 'malformed'],
    ['huge URL', `https://meld.io/?t=${'a'.repeat(5000)}`, 'malformed'],
    ['bad host syntax', 'https://[meld.io/', 'malformed'],
    ['a number', 42, 'not-a-string'],
    ['an object', { href: 'https://meld.io/' }, 'not-a-string'],
    ['a URL object', new URL('https://meld.io/'), 'not-a-string'],
    ['undefined', undefined, 'not-a-string'],
  ])('given %s, should refuse it', (_label, url, kind) => {
    let error: unknown;
    try {
      validateWidgetUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WidgetUrlError);
    expect((error as WidgetUrlError).kind).toBe(kind);
    expect((error as WidgetUrlError).problem).toBe(kind); // the deprecated alias
    expect((error as WidgetUrlError).url.length).toBeLessThanOrEqual(200);
  });

  describe('given allowedHosts', () => {
    const allowedHosts = ['127.0.0.1:4100', 'widget.example.com', '*.sim.test'];

    it.each([
      'http://127.0.0.1:4100/widget',
      'https://127.0.0.1:4100/widget',
      'https://widget.example.com/',
      'http://widget.example.com/',
      'https://a.sim.test/',
      'https://institution-connect.meld.io/',
    ])('should accept %s', (url) => {
      expect(validateWidgetUrl(url, { allowedHosts })).toBeInstanceOf(URL);
    });

    it.each([
      ['another port', 'http://127.0.0.1:4101/widget'],
      ['a port on a hostname-only entry', 'https://widget.example.com:444/'],
      ['the bare wildcard domain', 'https://sim.test/'],
      ['a lookalike of the listed host', 'https://widget.example.com.evil.com/'],
      ['javascript: even for a listed host', 'javascript://widget.example.com/%0aalert(1)'],
    ])('should still refuse %s', (_label, url) => {
      expect(() => validateWidgetUrl(url, { allowedHosts })).toThrow(WidgetUrlError);
    });
  });
});
