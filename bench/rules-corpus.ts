import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadRuleSet } from '../cli/load-rule-set.js';
import { CATEGORIES } from '../core/policy-schema.js';
import type { RuleSet } from '../rules/compile-rule-set.js';
import type { PostInput } from '../rules/build-segments.js';

const corpusFolder = fileURLToPath(new URL('corpus/', import.meta.url));

const labelledPost = z.strictObject({
  id: z.string(),
  lang: z.string(),
  source: z.enum(['text', 'ocr']),
  text: z.string(),
  leak: z.boolean(),
  categories: z.array(z.enum(CATEGORIES)),
  note: z.string().optional(),
});
export type LabelledPost = z.output<typeof labelledPost>;

/** Every labelled post of bench/corpus/posts-*.jsonl, in file order. */
export async function readCorpus(): Promise<LabelledPost[]> {
  const files = (await readdir(corpusFolder)).filter((name) => /^posts-.*\.jsonl$/u.test(name)).sort();
  const posts: LabelledPost[] = [];
  for (const file of files) {
    const lines = (await readFile(`${corpusFolder}${file}`, 'utf8')).split('\n').filter((line) => line.trim() !== '');
    lines.forEach((line, index) => {
      const parsed = labelledPost.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${String(index + 1)}: ${parsed.error.message}`);
      posts.push(parsed.data);
    });
  }
  return posts;
}

/** The rule set under the corpus's own policy (bench/corpus/policy.yaml and its document). */
export async function corpusRuleSet(): Promise<RuleSet> {
  return (await loadRuleSet(`${corpusFolder}policy.yaml`)).ruleSet;
}

/** A corpus post as the engine sees it: OCR posts arrive as an image's text. */
export function asPostInput(post: LabelledPost): PostInput {
  return post.source === 'ocr' ? { images: [{ text: post.text }] } : { text: post.text };
}
