import { describe, expect, it } from 'vitest';
import { withCapabilities } from '../../../../signaling/http/viewer-pages.ts';

describe('the viewer pages carry the media capabilities', () => {
  it('as a JSON data block before </head>, which nothing inside can close', () => {
    const html = '<html><head><title>x</title></head><body></body></html>';
    const out = withCapabilities(html, { codecs: [{ mimeType: 'video/VP8', note: '</script><script>alert(1)</script>' }] });
    const block = /<script type="application\/json" id="router-capabilities">(.*?)<\/script>/.exec(out);
    expect(block).not.toBeNull();
    expect(out.indexOf(block![0])).toBeLessThan(out.indexOf('</head>'));
    expect(block![1]).not.toContain('<');
    expect(JSON.parse(block![1]!)).toEqual({ codecs: [{ mimeType: 'video/VP8', note: '</script><script>alert(1)</script>' }] });
  });

  it('leaves a page without a head alone', () => {
    expect(withCapabilities('<p>no head</p>', {})).toBe('<p>no head</p>');
  });
});
