import { analyzePost } from '../rules/analyze-post.js';
import { median } from './median.js';
import { asPostInput, corpusRuleSet, readCorpus } from './rules-corpus.js';

export interface ThroughputResult {
  posts: number;
  characters: number;
  postsPerS: number;
  runs: number[];
}

/**
 * Posts per second through analyzePost with every pack on, on one core (this process's main
 * thread): corpus texts cut or repeated to exactly `length` characters, `count` posts a run.
 */
export async function runRulesThroughput(
  count: number,
  length: number,
  runs: number,
  mix: 'corpus' | 'clean' = 'corpus',
): Promise<ThroughputResult> {
  const ruleSet = await corpusRuleSet();
  // `corpus`: the labelled corpus as it is (nearly half leaks, far denser than real feeds);
  // `clean`: only its clean posts (hard negatives included), closer to what a scan mostly sees.
  const corpus = (await readCorpus()).filter((post) => mix === 'corpus' || !post.leak);
  const posts = Array.from({ length: count }, (_, index) => {
    const base = corpus[index % corpus.length];
    if (base === undefined) throw new Error('the corpus is empty');
    const text = base.text.repeat(Math.ceil(length / base.text.length)).slice(0, length);
    // A counter keeps texts distinct, so no cache can make repeated posts free.
    return asPostInput({ ...base, text: `${text.slice(0, length - 8)} #${String(index).padStart(6, '0')}` });
  });
  // Warm-up: the JIT and the fuzzy-correction cache see the texts once before timing.
  for (const post of posts.slice(0, 2000)) analyzePost(ruleSet, post);
  const rates: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    for (const post of posts) analyzePost(ruleSet, post);
    rates.push(count / ((performance.now() - started) / 1000));
  }
  return { posts: count, characters: length, postsPerS: median(rates), runs: rates };
}
