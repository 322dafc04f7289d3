import { describe, expect, it } from 'vitest';

import { quote, shortened } from '../../../src/domain/shared/quote.js';

describe('quote', () => {
  it.each([
    ['', '""'],
    ['alice/app', '"alice/app"'],
    ['a'.repeat(512), `"${'a'.repeat(512)}"`],
    ['a'.repeat(513), `"${'a'.repeat(512)}…" (513 characters)`],
  ])('quotes %j as %j', (value, quoted) => {
    expect(quote(value)).toBe(quoted);
  });

  it('cuts a value for the log at the same length, without quotes', () => {
    expect(shortened('b'.repeat(600))).toBe(`${'b'.repeat(512)}…`);
    expect(shortened('alice')).toBe('alice');
  });
});
