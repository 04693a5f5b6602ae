import type { DocumentText } from './ocr-document-texts.js';
import { parseMarkedLine } from './ocr-marked-text.js';
import type { Surface } from './ocr-photograph.js';
import type { SeededRandom } from './ocr-seeded-random.js';
import { estimateWidth, svgText } from './ocr-svg-text.js';

/** A laid-out page: the surface to photograph and the marked lines it shows, in reading order (stamp last). */
export interface LaidOutPage {
  readonly surface: Surface;
  readonly lines: readonly string[];
  /** True when the photo frames the top of the page only (footer out of frame, bigger text). */
  readonly isCloseUp: boolean;
}

const PAGE_WIDTH = 1000;
const PAGE_HEIGHT = 1414;
const MARGIN = 90;
const STAMP_RED = ['#c4161c', '#b3122a', '#d0202a', '#a8101f'] as const;

/**
 * Lays out a memo on an A4 page (1000 × 1414 units): letterhead, marking, title, body in a
 * serif or sans font at 11–13 pt equivalents, a footer repeating the marking, and a red stamp at
 * an angle across the body. A close-up drops the footer: the photo shows the upper page.
 */
export function layOutDocument(doc: DocumentText, random: SeededRandom): LaidOutPage {
  const isCloseUp = random.chance(0.6);
  const family = random.pick(['DejaVu Serif', 'DejaVu Sans', 'Noto Serif', 'Noto Sans']);
  const paper = random.pick([[250, 249, 245], [243, 241, 234], [252, 252, 252], [246, 244, 238]] as const);
  const ink = random.pick(['#151515', '#222222', '#1d1f2b']);
  const brand = random.pick(['#0b5d6b', '#1f3a93', '#222222', '#6b1d1d']);
  const body = doc.body.map(parseMarkedLine);
  const widest = Math.max(...body.map((line, index) => estimateWidth(line.text, 1, doc.monospace.has(index) ? 'DejaVu Sans Mono' : family)));
  const bodySize = Math.min(random.range(19, 24), (PAGE_WIDTH - 2 * MARGIN) / widest);
  const lineHeight = bodySize * random.range(1.45, 1.7);

  const parts: string[] = [];
  const lines: string[] = [];
  const add = (marked: string, element: (text: string) => string) => {
    lines.push(marked);
    parts.push(element(parseMarkedLine(marked).text));
  };
  add(doc.header, (text) => svgText(MARGIN, 88, text, { size: 21, family: 'DejaVu Sans', weight: 'bold', fill: brand, letterSpacing: 1.5 }));
  parts.push(`<rect x="${String(MARGIN)}" y="102" width="${String(PAGE_WIDTH - 2 * MARGIN)}" height="2.5" fill="${brand}"/>`);
  const markingText = parseMarkedLine(doc.marking.text).text;
  const markingSize = Math.min(random.range(26, 36), (PAGE_WIDTH - 2 * MARGIN) / estimateWidth(markingText, 1, 'DejaVu Sans', true));
  const isBoxed = random.chance(0.4);
  const markingWidth = estimateWidth(markingText, markingSize, 'DejaVu Sans', true);
  const markingX = random.chance(0.5) ? PAGE_WIDTH - MARGIN - markingWidth : (PAGE_WIDTH - markingWidth) / 2;
  if (isBoxed) {
    parts.push(`<rect x="${(markingX - 12).toFixed(0)}" y="${(160 - markingSize).toFixed(0)}" width="${(markingWidth + 24).toFixed(0)}" height="${(markingSize * 1.35).toFixed(0)}" fill="none" stroke="${ink}" stroke-width="2.5"/>`);
  }
  add(doc.marking.text, (text) => svgText(markingX, 160, text, { size: markingSize, family: 'DejaVu Sans', weight: 'bold', fill: random.chance(0.5) ? ink : '#9b111e', letterSpacing: 1 }));
  add(doc.title, (text) => svgText(MARGIN, 235, text, { size: Math.min(32, (PAGE_WIDTH - 2 * MARGIN) / estimateWidth(text, 1, family, true)), family, weight: 'bold', fill: ink }));
  add(doc.meta, (text) => svgText(MARGIN, 275, text, { size: 18, family, fill: '#555555' }));

  let y = 275 + lineHeight * 1.8;
  const bodyTop = y - bodySize;
  body.forEach((line, index) => {
    const isMonospace = doc.monospace.has(index);
    add(doc.body[index]!, () => svgText(MARGIN, y, line.text, { size: isMonospace ? bodySize * 0.95 : bodySize, family: isMonospace ? 'DejaVu Sans Mono' : family, fill: ink }));
    y += lineHeight;
  });
  const bodyBottom = y - lineHeight + bodySize * 0.4;

  if (doc.stamp !== undefined) {
    const stampText = parseMarkedLine(doc.stamp.text).text;
    const size = Math.min(random.range(38, 52), 640 / estimateWidth(stampText, 1, 'DejaVu Sans', true));
    const width = estimateWidth(stampText, size, 'DejaVu Sans', true) + 2 * stampText.length + 50;
    const height = size * 1.7;
    const cx = Math.min(PAGE_WIDTH - MARGIN - width / 2 + 30, Math.max(MARGIN + width / 2, random.range(380, 720)));
    const cy = random.range(bodyTop + height, Math.max(bodyTop + height, bodyBottom - height / 2));
    const angle = random.range(8, 25) * (random.chance(0.7) ? -1 : 1);
    const red = random.pick(STAMP_RED);
    // Uneven ink: a stamp is darker where it was pressed harder.
    parts.push(
      `<defs><linearGradient id="ink" x1="0" y1="0" x2="1" y2="${random.range(0, 1).toFixed(2)}"><stop offset="0" stop-color="${red}" stop-opacity="${random.range(0.55, 0.95).toFixed(2)}"/><stop offset="${random.range(0.3, 0.7).toFixed(2)}" stop-color="${red}" stop-opacity="${random.range(0.75, 1).toFixed(2)}"/><stop offset="1" stop-color="${red}" stop-opacity="${random.range(0.5, 0.9).toFixed(2)}"/></linearGradient></defs>`,
      `<g transform="rotate(${angle.toFixed(1)} ${cx.toFixed(0)} ${cy.toFixed(0)})">`,
      `<rect x="${(cx - width / 2).toFixed(0)}" y="${(cy - height / 2).toFixed(0)}" width="${width.toFixed(0)}" height="${height.toFixed(0)}" rx="10" fill="none" stroke="url(#ink)" stroke-width="${random.range(4, 7).toFixed(1)}"/>`,
    );
    if (random.chance(0.5)) {
      parts.push(`<rect x="${(cx - width / 2 + 9).toFixed(0)}" y="${(cy - height / 2 + 9).toFixed(0)}" width="${(width - 18).toFixed(0)}" height="${(height - 18).toFixed(0)}" rx="6" fill="none" stroke="url(#ink)" stroke-width="2"/>`);
    }
    parts.push(svgText(cx, cy + size * 0.36, stampText, { size, family: 'DejaVu Sans', weight: 'bold', fill: 'url(#ink)', anchor: 'middle', letterSpacing: 2 }), '</g>');
  }

  const footerY = PAGE_HEIGHT - 60;
  if (!isCloseUp) {
    const footer = parseMarkedLine(doc.footer).text;
    parts.push(`<rect x="${String(MARGIN)}" y="${String(footerY - 28)}" width="${String(PAGE_WIDTH - 2 * MARGIN)}" height="1.5" fill="#999999"/>`);
    lines.push(doc.footer);
    parts.push(svgText(PAGE_WIDTH / 2, footerY, footer, { size: 16, family, fill: '#444444', anchor: 'middle' }));
  }
  if (doc.stamp !== undefined) lines.push(doc.stamp.text);

  const contentBottom = isCloseUp ? Math.max(bodyBottom, y) + 20 : PAGE_HEIGHT;
  const rasterHeight = isCloseUp ? Math.min(PAGE_HEIGHT, contentBottom + 40) : PAGE_HEIGHT;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${String(PAGE_WIDTH)} ${rasterHeight.toFixed(0)}"><rect width="${String(PAGE_WIDTH)}" height="${rasterHeight.toFixed(0)}" fill="rgb(${paper.join(',')})"/>${parts.join('')}</svg>`;
  return {
    surface: {
      width: PAGE_WIDTH,
      height: PAGE_HEIGHT,
      content: isCloseUp ? [MARGIN - 40, 50, PAGE_WIDTH - 2 * MARGIN + 80, contentBottom - 50] : [0, 0, PAGE_WIDTH, PAGE_HEIGHT],
      rasterHeight: Math.round(rasterHeight),
      paper,
      svg,
    },
    lines,
    isCloseUp,
  };
}
