import { describe, expect, it } from 'vitest';
import { foldCharacter, isDash, isInvisible, isSpace, Script, scriptOf } from './fold-character.js';

function fold(character: string): string {
  return foldCharacter(character.codePointAt(0) ?? 0);
}

describe('foldCharacter', () => {
  it.each([
    ['Ś', 's'],
    ['ł', 'l'],
    ['Ł', 'l'],
    ['ß', 'ss'],
    ['ё', 'е'],
    ['Й', 'и'],
    ['ї', 'і'],
    ['ґ', 'г'],
    ['Ό', 'ο'],
    ['ς', 'σ'],
    ['Ｃ', 'c'],
    ['ﬁ', 'fi'],
    ['²', '2'],
  ])('folds %s to %s', (character, folded) => {
    expect(fold(character)).toBe(folded);
  });

  it('drops a lone combining mark', () => {
    expect(fold('\u0301')).toBe('');
  });
});

describe('scriptOf', () => {
  it.each([
    ['a', Script.Latin],
    ['я', Script.Cyrillic],
    ['ω', Script.Greek],
    ['中', Script.OtherLetter],
    ['7', Script.Digit],
    ['-', Script.None],
  ])('gives the script of %s', (character, script) => {
    expect(scriptOf(character.codePointAt(0) ?? 0)).toBe(script);
  });
});

describe('character classes', () => {
  it('treats zero-width characters and the soft hyphen as invisible', () => {
    expect([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0xad].every(isInvisible)).toBe(true);
  });

  it('treats en, em and minus dashes as dashes', () => {
    expect([0x2013, 0x2014, 0x2212].every(isDash)).toBe(true);
  });

  it('treats no-break and ideographic spaces as spaces', () => {
    expect([0xa0, 0x202f, 0x3000].every(isSpace)).toBe(true);
  });

  it('does not treat a letter as a space', () => {
    expect(isSpace(0x61)).toBe(false);
  });
});
