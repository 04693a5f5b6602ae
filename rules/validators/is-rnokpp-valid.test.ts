import { describe, expect, it } from 'vitest';
import { isRnokppValid } from './is-rnokpp-valid.js';

describe('isRnokppValid', () => {
  // Numbers published online, as collected in python-stdnum's test suite.
  it.each(['1759013776', '1941106083', '2530414071', '3087300101', '3451517675'])('accepts the published РНОКПП %s', (number) => {
    expect(isRnokppValid(number)).toBe(true);
  });

  it('accepts a РНОКПП grouped with spaces', () => {
    expect(isRnokppValid('25 30 41 40 71')).toBe(true);
  });

  it('accepts a number whose weighted sum is negative, using the non-negative remainder', () => {
    // 9 × −1 = −9, and −9 mod 11 = 2.
    expect(isRnokppValid('9000000002')).toBe(true);
  });

  it('rejects a number whose check digit is the truncated remainder of a negative sum', () => {
    expect(isRnokppValid('9000000009')).toBe(false);
  });

  it('rejects a РНОКПП whose check digit is off by one', () => {
    expect(isRnokppValid('1759013777')).toBe(false);
  });

  it('rejects a РНОКПП with one digit changed', () => {
    expect(isRnokppValid('1759113776')).toBe(false);
  });

  it('rejects a РНОКПП with a digit missing', () => {
    expect(isRnokppValid('175901377')).toBe(false);
  });

  it('rejects a РНОКПП with a digit too many', () => {
    expect(isRnokppValid('17590137760')).toBe(false);
  });

  it('rejects all zeros, which the checksum accepts', () => {
    expect(isRnokppValid('0000000000')).toBe(false);
  });

  it('rejects a РНОКПП with letters in it', () => {
    expect(isRnokppValid('VV59013776')).toBe(false);
  });
});
