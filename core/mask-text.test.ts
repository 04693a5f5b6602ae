import { describe, expect, it } from 'vitest';
import { maskText } from './mask-text.js';

describe('maskText', () => {
  describe('short text', () => {
    it('masks six characters whole', () => {
      expect(maskText('hunter')).toBe('******');
    });

    it('keeps the first and last two of seven characters', () => {
      expect(maskText('hunter2')).toBe('hu***r2');
    });

    it('masks a single character whole', () => {
      expect(maskText('x')).toBe('*');
    });

    it('masks empty text as one star, so an empty match still shows as masked', () => {
      expect(maskText('')).toBe('*');
    });
  });

  describe('long text', () => {
    it('hides the middle of twelve characters behind eight stars', () => {
      expect(maskText('abcdefghijkl')).toBe('ab********kl');
    });

    it('never uses more than eight stars, so the length of a long secret stays hidden', () => {
      expect(maskText('ghp_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('gh********89');
    });
  });

  describe('graphemes', () => {
    it('counts Cyrillic letters as one character each', () => {
      expect(maskText('Халвард')).toBe('Ха***рд');
    });

    it('masks six Cyrillic letters whole', () => {
      expect(maskText('проект')).toBe('******');
    });

    it('keeps whole Greek letters with their accents', () => {
      expect(maskText('Χάλβαρντ')).toBe('Χά****ντ');
    });

    it('keeps a family emoji joined by zero-width joiners in one piece', () => {
      expect(maskText('👨‍👩‍👧‍👦👍🏽abc👩🏾‍💻🇵🇱')).toBe('👨‍👩‍👧‍👦👍🏽***👩🏾‍💻🇵🇱');
    });

    it('keeps a flag emoji in one piece', () => {
      expect(maskText('🇵🇱🇺🇦abcde🇬🇷🇩🇪')).toBe('🇵🇱🇺🇦*****🇬🇷🇩🇪');
    });

    it('counts a letter with combining marks as one character', () => {
      // "e" plus two combining accents is one grapheme, so this is six characters.
      expect(maskText('e\u0301\u0302abcde')).toBe('******');
    });

    it('keeps a letter with combining marks together with its marks', () => {
      expect(maskText('e\u0301\u0302abcdef')).toBe('e\u0301\u0302a***ef');
    });
  });
});
