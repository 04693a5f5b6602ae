import { load, type CheerioAPI } from 'cheerio';

// htmlparser2 rather than cheerio's default parse5: in a CPU profile of bench/crawler-benchmark.ts
// (node --cpu-prof), parse5 with cheerio and its selector engine took about a quarter of a crawl's
// CPU, parse5 alone 11 %; the bench's posts/s rose after the switch. htmlparser2 is not the HTML5
// tree construction algorithm, which matters for broken markup only; platforms' pages are
// machine-made, and the adapters' tests read truncated pages too.
const HTML_OPTIONS = { xml: { xmlMode: false, decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true } } as const;

/** Parses a whole page (or an HTML fragment when `isDocument` is false) for cheerio queries. */
export function loadHtml(html: string, isDocument = true): CheerioAPI {
  return load(html, HTML_OPTIONS, isDocument);
}
