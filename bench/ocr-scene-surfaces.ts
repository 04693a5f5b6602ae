import type { MenuText } from './ocr-benign-texts.js';
import { parseMarkedLine } from './ocr-marked-text.js';
import type { Surface } from './ocr-photograph.js';
import type { SeededRandom } from './ocr-seeded-random.js';
import { estimateWidth, svgText, type TextStyle } from './ocr-svg-text.js';

/**
 * Surfaces other than memos: a whiteboard, a sticky note, a staff badge, a menu and a street
 * sign. No handwriting font is installed, so "handwriting" is the installed fonts slanted, each
 * line at its own small angle and offset, in marker colours.
 */
export interface SceneSurface {
  readonly surface: Surface;
  /** The marked lines the surface shows, in reading order. */
  readonly lines: readonly string[];
}

const MARKERS = ['#1f4fb0', '#222222', '#c0282d', '#1d7a3a'] as const;
const HAND_FONTS: readonly Omit<TextStyle, 'size'>[] = [
  { family: 'DejaVu Sans', weight: 'bold', italic: true },
  { family: 'DejaVu Sans Condensed', italic: true },
  { family: 'Noto Sans', italic: true },
  { family: 'DejaVu Serif', italic: true },
  { family: 'DejaVu Sans', italic: true },
];

function surfaceSvg(width: number, height: number, background: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${String(width)} ${String(height)}">${background}${body}</svg>`;
}

/** A whiteboard (1600 × 1000 units) in an aluminium frame, lines written in marker. */
export function whiteboardSurface(marked: readonly string[], random: SeededRandom): SceneSurface {
  const [width, height] = [1600, 1000];
  const font = random.pick(HAND_FONTS);
  const parts: string[] = [];
  let y = random.range(150, 200);
  marked.forEach((line, index) => {
    const text = parseMarkedLine(line).text;
    const target = index === 0 ? random.range(72, 92) : random.range(54, 70);
    const size = Math.min(target, 1350 / estimateWidth(text, 1, font.family, font.weight === 'bold'));
    const x = 110 + (index === 0 ? 0 : 40) + random.range(-20, 30);
    const fill = index === 0 ? random.pick(MARKERS) : random.pick(MARKERS.slice(0, 2));
    parts.push(svgText(x, y, text, { ...font, size, fill, rotate: random.range(-3, 3), stroke: fill, strokeWidth: size * 0.03 }));
    if (index === 0 && random.chance(0.6)) {
      const length = estimateWidth(text, size) * 0.85;
      parts.push(`<path d="M${String(x)} ${(y + size * 0.3).toFixed(0)} q ${(length / 2).toFixed(0)} ${random.range(-6, 6).toFixed(0)} ${length.toFixed(0)} ${random.range(0, 12).toFixed(0)}" stroke="${fill}" stroke-width="6" fill="none" stroke-linecap="round"/>`);
    }
    y += size * random.range(1.45, 1.75);
  });
  // Leftovers of earlier meetings: a half-wiped box and an arrow.
  parts.push(`<rect x="${random.range(1150, 1300).toFixed(0)}" y="${random.range(600, 700).toFixed(0)}" width="220" height="160" rx="12" fill="none" stroke="#8899aa" stroke-opacity="0.35" stroke-width="6"/>`);
  const background = `<rect width="${String(width)}" height="${String(height)}" fill="#b8bcc0"/><rect x="22" y="22" width="${String(width - 44)}" height="${String(height - 44)}" fill="#f3f5f7"/><rect x="0" y="${String(height - 30)}" width="${String(width)}" height="30" fill="#9ca0a4"/>`;
  return {
    surface: { width, height, content: [60, 60, width - 120, Math.min(height - 60, y) - 60], rasterHeight: height, paper: [243, 245, 247], svg: surfaceSvg(width, height, background, parts.join('')) },
    lines: marked,
  };
}

/** A square sticky note (500 × 500 units) in a pastel colour, 3–4 slanted lines. */
export function stickyNoteSurface(marked: readonly string[], random: SeededRandom): SceneSurface {
  const size = 500;
  const colour = random.pick([[255, 241, 122], [255, 179, 209], [198, 245, 154], [168, 224, 255], [255, 204, 128]] as const);
  const font = random.pick(HAND_FONTS);
  const ink = random.pick(['#1a237e', '#111111', '#0d47a1']);
  const parts: string[] = [];
  let y = random.range(95, 120);
  for (const line of marked) {
    const text = parseMarkedLine(line).text;
    const fontSize = Math.min(random.range(46, 58), 430 / estimateWidth(text, 1, font.family, font.weight === 'bold'));
    parts.push(svgText(random.range(28, 45), y, text, { ...font, size: fontSize, fill: ink, rotate: random.range(-4, 3), stroke: ink, strokeWidth: fontSize * 0.025 }));
    y += fontSize * random.range(1.35, 1.6);
  }
  const fill = `rgb(${colour.join(',')})`;
  const background = `<defs><linearGradient id="curl" x1="0" y1="0" x2="0" y2="1"><stop offset="0.75" stop-color="${fill}"/><stop offset="1" stop-color="rgb(${colour.map((value) => Math.round(value * 0.88)).join(',')})"/></linearGradient></defs><rect width="${String(size)}" height="${String(size)}" fill="url(#curl)"/>`;
  return {
    surface: { width: size, height: size, content: [0, 0, size, size], rasterHeight: size, paper: colour, svg: surfaceSvg(size, size, background, parts.join('')) },
    lines: marked,
  };
}

/** A staff badge (540 × 860 units): brand band, photo, name, role, employee id, a return line and a barcode. */
export function badgeSurface(marked: readonly string[], random: SeededRandom): SceneSurface {
  const [width, height] = [540, 860];
  const band = random.pick(['#0b5d6b', '#1f3a93', '#6b1d1d', '#2e7d32']);
  const [brand = '', name = '', role = '', id = '', returnLine = ''] = marked.map((line) => parseMarkedLine(line).text);
  const parts = [
    `<rect width="${String(width)}" height="150" fill="${band}"/>`,
    `<rect x="220" y="28" width="100" height="18" rx="9" fill="#333"/>`,
    svgText(width / 2, 115, brand, { size: Math.min(40, 480 / estimateWidth(brand, 1, 'DejaVu Sans', true)), weight: 'bold', fill: '#ffffff', anchor: 'middle', letterSpacing: 2 }),
    `<rect x="170" y="185" width="200" height="240" fill="#d5d8dc"/><circle cx="270" cy="275" r="52" fill="#9aa0a6"/><path d="M185 425 Q185 345 270 345 Q355 345 355 425 Z" fill="#9aa0a6"/>`,
    svgText(width / 2, 500, name, { size: Math.min(44, 500 / estimateWidth(name, 1, 'DejaVu Sans', true)), weight: 'bold', anchor: 'middle' }),
    svgText(width / 2, 550, role, { size: Math.min(30, 500 / estimateWidth(role, 1)), fill: '#444444', anchor: 'middle' }),
    svgText(width / 2, 625, id, { size: 42, family: 'DejaVu Sans Mono', weight: 'bold', anchor: 'middle' }),
  ];
  for (let x = 120; x < 420; x += random.int(3, 9)) parts.push(`<rect x="${String(x)}" y="660" width="${String(random.int(2, 5))}" height="90" fill="#111"/>`);
  parts.push(svgText(width / 2, 800, returnLine, { size: Math.min(20, 500 / estimateWidth(returnLine, 1)), fill: '#555555', anchor: 'middle' }));
  return {
    surface: { width, height, content: [0, 0, width, height], rasterHeight: height, paper: [250, 250, 250], svg: surfaceSvg(width, height, `<rect width="${String(width)}" height="${String(height)}" fill="#fafafa"/>`, parts.join('')) },
    lines: marked,
  };
}

/** A menu on paper or a chalkboard (1000 × 1300 units): a title, then dishes with dotted leaders and prices. */
export function menuSurface(menu: MenuText, random: SeededRandom): SceneSurface {
  const [width, height] = [1000, 1300];
  const isChalkboard = random.chance(0.4);
  const ink = isChalkboard ? '#f2f0e6' : random.pick(['#2b1d12', '#1b1b1b', '#3a2a1a']);
  const family = random.pick(['DejaVu Serif', 'Noto Serif', 'DejaVu Sans', 'Noto Sans']);
  const parts = [svgText(width / 2, 150, menu.title, { size: Math.min(64, 860 / estimateWidth(menu.title, 1, family, true)), family, weight: 'bold', italic: random.chance(0.5), fill: ink, anchor: 'middle' })];
  const lines = [menu.title];
  const itemSize = random.range(32, 40);
  menu.items.forEach((item, index) => {
    const y = 280 + index * itemSize * 2.1;
    parts.push(svgText(90, y, item.dish, { size: itemSize, family, fill: ink }), svgText(910, y, item.price, { size: itemSize, family, fill: ink, anchor: 'end', weight: 'bold' }));
    const from = 100 + estimateWidth(item.dish, itemSize * 0.9, family);
    const to = 900 - estimateWidth(item.price, itemSize, family, true);
    if (to > from) parts.push(`<line x1="${from.toFixed(0)}" y1="${y.toFixed(0)}" x2="${to.toFixed(0)}" y2="${y.toFixed(0)}" stroke="${ink}" stroke-width="3" stroke-dasharray="2 9" stroke-opacity="0.7"/>`);
    lines.push(`${item.dish} ${item.price}`);
  });
  const bottom = 280 + menu.items.length * itemSize * 2.1;
  const background = isChalkboard
    ? `<rect width="${String(width)}" height="${String(height)}" fill="#6b4a2f"/><rect x="35" y="35" width="${String(width - 70)}" height="${String(height - 70)}" fill="${random.pick(['#2b2f2a', '#24302a', '#1f2421'])}"/>`
    : `<rect width="${String(width)}" height="${String(height)}" fill="#f7f1e3"/><rect x="40" y="40" width="${String(width - 80)}" height="${String(height - 80)}" fill="none" stroke="${ink}" stroke-width="3"/>`;
  return {
    surface: {
      width, height, content: [40, 60, width - 80, Math.min(height - 60, bottom) - 60], rasterHeight: height,
      paper: isChalkboard ? [43, 47, 42] : [247, 241, 227], svg: surfaceSvg(width, height, background, parts.join('')),
    },
    lines,
  };
}

/** A street or shop sign (1200 × 420 units): one big line and an optional small one. */
export function signSurface(signLines: readonly string[], random: SeededRandom): SceneSurface {
  const [width, height] = [1200, 420];
  const [plate, ink] = random.pick([['#1c4f9c', '#ffffff'], ['#0f6b3a', '#ffffff'], ['#f4f4f0', '#111111'], ['#5a3b22', '#f3e6c8'], ['#b71c1c', '#ffffff']] as const);
  const [first = '', second] = signLines;
  const family = random.pick(['DejaVu Sans', 'DejaVu Sans Condensed', 'Noto Sans', 'DejaVu Serif']);
  const parts = [svgText(width / 2, second === undefined ? 255 : 215, first, { size: Math.min(130, 1080 / estimateWidth(first, 1, family, true)), family, weight: 'bold', fill: ink, anchor: 'middle' })];
  if (second !== undefined) parts.push(svgText(width / 2, 330, second, { size: Math.min(64, 1000 / estimateWidth(second, 1, family)), family, fill: ink, anchor: 'middle' }));
  const background = `<rect width="${String(width)}" height="${String(height)}" fill="${plate}"/><rect x="18" y="18" width="${String(width - 36)}" height="${String(height - 36)}" rx="14" fill="none" stroke="${ink}" stroke-width="8"/>`;
  const rgb = plate.match(/[0-9a-f]{2}/gu)?.map((pair) => parseInt(pair, 16)) ?? [128, 128, 128];
  return {
    surface: { width, height, content: [0, 0, width, height], rasterHeight: height, paper: [rgb[0] ?? 128, rgb[1] ?? 128, rgb[2] ?? 128], svg: surfaceSvg(width, height, background, parts.join('')) },
    lines: signLines,
  };
}
