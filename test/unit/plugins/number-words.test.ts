import { describe, expect, it } from 'vitest';
import { replaceNumberWords, wordsToNumber } from '../../../plugins/parse/number-words.js';
import { editDistance, normalizeQuestion } from '../../../plugins/parse/normalize-question.js';

describe('number words', () => {
  it.each([
    ['fourteen heads', '14 heads'],
    ['a dozen eggs', '12 eggs'],
    ['2 dozen', '24'],
    ['twenty-one trials', '21 trials'],
    ['one hundred and five people', '105 people'],
    ['a thousand visitors', '1000 visitors'],
    ['fourteen and six', '14 and 6'],
    ['two ones, one two, three threes', '2 ones, 1 2, 3 threes'],
  ])('%j → %j', (input, output) => {
    expect(replaceNumberWords(input)).toBe(output);
  });
  it('rejects runs that are not one number', () => {
    expect(wordsToNumber('one two')).toBeNull();
    expect(wordsToNumber('twenty thirty')).toBeNull();
    expect(wordsToNumber('twenty three')).toBe(23);
  });
});

describe('normalizeQuestion', () => {
  it('removes thousands separators, keeps lists, and writes percentages as %', () => {
    expect(normalizeQuestion('In a survey of 1,204 people, 12.5 percent said yes').text).toBe('in a survey of 1204 people, 12.5% said yes');
    expect(normalizeQuestion('values 3, 4, 5').text).toBe('values 3, 4, 5');
  });
  it('fixes typos against the cue vocabulary but leaves real words alone', () => {
    const n = normalizeQuestion('The coin was fliped; what is the probabilty of conversoins? In 15 penalty kicks, B minus A');
    expect(n.corrections).toEqual([
      { from: 'fliped', to: 'flipped' },
      { from: 'probabilty', to: 'probability' },
      { from: 'conversoins', to: 'conversions' },
    ]);
  });
  it('measures edit distance with transpositions', () => {
    expect(editDistance('conversoins', 'conversions')).toBe(1);
    expect(editDistance('fliped', 'flipped')).toBe(1);
    expect(editDistance('abc', 'xyz')).toBe(3);
  });
});
