import type { SeededRandom } from './ocr-seeded-random.js';

/**
 * What lies around a photographed surface, and the photos that hold no text at all. Every scene
 * is an SVG with viewBox `0 0 1000 h` (h from the frame's aspect) and no text: a desk with a mug
 * and a pen, a wall, a monitor, a street; landscapes, bokeh, night windows, bricks, plates,
 * foliage. Windows, bricks and keyboards are regular and high-contrast on purpose: a text gate
 * that fires on any texture pays for it in throughput.
 */
export type BackdropKind = 'desk' | 'wall' | 'monitor' | 'street' | 'table';
export type NoTextKind = 'landscape' | 'bokeh' | 'night-city' | 'bricks' | 'abstract' | 'plate' | 'foliage' | 'sky';
export const NO_TEXT_KINDS: readonly NoTextKind[] = ['landscape', 'bokeh', 'night-city', 'bricks', 'abstract', 'plate', 'foliage', 'sky'];

/** The SVG opening tag for a scene of aspect height/width = `aspect` (viewBox width 1000). */
export function openSvg(aspect: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 ${String(Math.round(1000 * aspect))}">`;
}

const hex = (rgb: readonly number[]) => `#${rgb.map((value) => Math.max(0, Math.min(255, Math.round(value))).toString(16).padStart(2, '0')).join('')}`;
/** A colour near `rgb`: mostly lighter or darker, slightly off in hue, as real materials vary. */
const jitter = (random: SeededRandom, rgb: readonly number[], amount: number) => {
  const shade = random.range(-amount, amount);
  return hex(rgb.map((value) => value + shade + random.range(-amount, amount) * 0.3));
};

/** A backdrop for a surface photographed in place. */
export function backdropSvg(kind: BackdropKind, aspect: number, random: SeededRandom): string {
  const height = 1000 * aspect;
  const parts: string[] = [openSvg(aspect)];
  if (kind === 'desk' || kind === 'table') {
    const wood = random.pick([[139, 94, 56], [160, 116, 70], [107, 76, 50], [190, 160, 120], [120, 120, 124], [225, 222, 215], [60, 60, 64]]);
    parts.push(`<rect width="1000" height="${String(height)}" fill="${hex(wood)}"/>`);
    // Wood grain: long thin stripes of slightly darker and lighter tone.
    for (let index = 0; index < 60; index += 1) {
      const y = random.range(0, height);
      const shade = random.chance(0.5) ? 'black' : 'white';
      parts.push(`<path d="M0 ${y.toFixed(1)} C 300 ${(y + random.range(-15, 15)).toFixed(1)}, 700 ${(y + random.range(-15, 15)).toFixed(1)}, 1000 ${(y + random.range(-10, 10)).toFixed(1)}" stroke="${shade}" stroke-opacity="${random.range(0.03, 0.1).toFixed(3)}" stroke-width="${random.range(1, 6).toFixed(1)}" fill="none"/>`);
    }
    if (random.chance(0.6)) parts.push(mug(random, height));
    if (random.chance(0.6)) parts.push(pen(random, height));
    if (kind === 'desk' && random.chance(0.4)) parts.push(keyboard(random, height));
  } else if (kind === 'wall') {
    const paint = random.pick([[228, 224, 214], [205, 210, 214], [236, 233, 226], [190, 196, 180]]);
    parts.push(`<defs><linearGradient id="w" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${jitter(random, paint, 10)}"/><stop offset="1" stop-color="${jitter(random, paint.map((value) => value * 0.85), 10)}"/></linearGradient></defs>`);
    parts.push(`<rect width="1000" height="${String(height)}" fill="url(#w)"/>`);
    if (random.chance(0.5)) parts.push(`<rect x="0" y="${(height * random.range(0.82, 0.95)).toFixed(0)}" width="1000" height="${String(height)}" fill="${jitter(random, [120, 100, 80], 20)}"/>`);
  } else if (kind === 'monitor') {
    parts.push(`<rect width="1000" height="${String(height)}" fill="${jitter(random, [40, 42, 46], 8)}"/>`);
    parts.push(`<rect x="${random.range(-200, 100).toFixed(0)}" y="${random.range(-100, 60).toFixed(0)}" width="1100" height="${(height * 0.7).toFixed(0)}" rx="6" fill="${jitter(random, [40, 80, 140], 30)}"/>`);
    for (let index = 0; index < 8; index += 1) {
      parts.push(`<rect x="${random.range(0, 800).toFixed(0)}" y="${random.range(0, height * 0.6).toFixed(0)}" width="${random.range(80, 300).toFixed(0)}" height="${random.range(40, 160).toFixed(0)}" fill="${jitter(random, [200, 200, 210], 40)}" opacity="0.35"/>`);
    }
  } else {
    parts.push(`<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${jitter(random, [120, 170, 230], 20)}"/><stop offset="1" stop-color="${jitter(random, [210, 225, 240], 10)}"/></linearGradient></defs>`);
    parts.push(`<rect width="1000" height="${String(height)}" fill="url(#s)"/>`);
    parts.push(bricks(random, 0, height * random.range(0.2, 0.5), 1000, height, random.pick([[170, 90, 70], [200, 180, 150], [150, 150, 150]])));
  }
  parts.push('</svg>');
  return parts.join('');
}

/** A photo with no text in it. */
export function noTextSvg(kind: NoTextKind, aspect: number, random: SeededRandom): string {
  const height = 1000 * aspect;
  const parts: string[] = [openSvg(aspect)];
  const rect = (fill: string) => `<rect width="1000" height="${String(height)}" fill="${fill}"/>`;
  switch (kind) {
    case 'landscape': {
      parts.push(`<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${jitter(random, [90, 140, 210], 30)}"/><stop offset="1" stop-color="${jitter(random, [240, 200, 160], 20)}"/></linearGradient></defs>`, rect('url(#sky)'));
      parts.push(`<circle cx="${random.range(100, 900).toFixed(0)}" cy="${(height * random.range(0.1, 0.4)).toFixed(0)}" r="${random.range(25, 60).toFixed(0)}" fill="#fff4d0" opacity="0.9"/>`);
      for (let layer = 0; layer < 3; layer += 1) {
        const base = height * (0.45 + layer * 0.15);
        let d = `M0 ${String(height)} L0 ${base.toFixed(0)}`;
        for (let x = 0; x <= 1000; x += 50) d += ` L${String(x)} ${(base - random.range(0, 120 - layer * 30)).toFixed(0)}`;
        parts.push(`<path d="${d} L1000 ${String(height)} Z" fill="${jitter(random, [60 - layer * 15, 90 + layer * 10, 80 - layer * 20], 15)}"/>`);
      }
      for (let index = 0; index < 25; index += 1) {
        const x = random.range(0, 1000);
        const y = height * random.range(0.75, 1);
        const size = random.range(20, 60);
        parts.push(`<path d="M${x.toFixed(0)} ${(y - size * 2).toFixed(0)} L${(x - size / 2).toFixed(0)} ${y.toFixed(0)} L${(x + size / 2).toFixed(0)} ${y.toFixed(0)} Z" fill="${jitter(random, [30, 70, 40], 15)}"/>`);
      }
      break;
    }
    case 'bokeh':
    case 'abstract': {
      parts.push(rect(jitter(random, kind === 'bokeh' ? [20, 20, 35] : [200, 190, 180], 30)));
      const defs: string[] = [];
      const count = kind === 'bokeh' ? 40 : 12;
      for (let index = 0; index < count; index += 1) {
        const colour = jitter(random, random.pick([[255, 200, 120], [255, 120, 160], [120, 200, 255], [250, 250, 200], [90, 160, 120]]), 30);
        defs.push(`<radialGradient id="g${String(index)}"><stop offset="0" stop-color="${colour}" stop-opacity="${random.range(0.4, 0.9).toFixed(2)}"/><stop offset="${random.range(0.5, 0.85).toFixed(2)}" stop-color="${colour}" stop-opacity="0.3"/><stop offset="1" stop-color="${colour}" stop-opacity="0"/></radialGradient>`);
        const radius = kind === 'bokeh' ? random.range(20, 90) : random.range(120, 450);
        parts.push(`<ellipse cx="${random.range(0, 1000).toFixed(0)}" cy="${random.range(0, height).toFixed(0)}" rx="${radius.toFixed(0)}" ry="${(radius * random.range(0.7, 1.3)).toFixed(0)}" fill="url(#g${String(index)})"/>`);
      }
      parts.splice(1, 0, `<defs>${defs.join('')}</defs>`);
      break;
    }
    case 'night-city': {
      parts.push(rect(jitter(random, [15, 20, 45], 10)));
      for (let x = 0; x < 1000; ) {
        const width = random.range(70, 200);
        const top = height * random.range(0.15, 0.6);
        parts.push(`<rect x="${x.toFixed(0)}" y="${top.toFixed(0)}" width="${width.toFixed(0)}" height="${String(height)}" fill="${jitter(random, [30, 32, 40], 10)}"/>`);
        // Lit windows in a grid: small bright rectangles in rows, the nearest thing to text without being text.
        for (let wy = top + 12; wy < height - 10; wy += 22) {
          for (let wx = x + 8; wx < x + width - 14; wx += 18) {
            if (random.chance(0.45)) parts.push(`<rect x="${wx.toFixed(0)}" y="${wy.toFixed(0)}" width="9" height="12" fill="${jitter(random, [250, 220, 140], 20)}"/>`);
          }
        }
        x += width + random.range(0, 20);
      }
      break;
    }
    case 'bricks':
      parts.push(bricks(random, 0, 0, 1000, height, random.pick([[170, 90, 70], [200, 180, 150], [120, 60, 50]])));
      break;
    case 'plate': {
      parts.push(rect(jitter(random, [150, 110, 70], 30)));
      const cx = random.range(350, 650);
      const cy = height * random.range(0.4, 0.6);
      parts.push(`<circle cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" r="330" fill="#000" opacity="0.15"/><circle cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" r="320" fill="#f4f2ee"/><circle cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" r="250" fill="#ebe8e2"/>`);
      for (let index = 0; index < 14; index += 1) {
        parts.push(`<ellipse cx="${(cx + random.range(-160, 160)).toFixed(0)}" cy="${(cy + random.range(-160, 160)).toFixed(0)}" rx="${random.range(20, 70).toFixed(0)}" ry="${random.range(15, 50).toFixed(0)}" fill="${jitter(random, random.pick([[200, 60, 40], [80, 150, 60], [230, 190, 90], [120, 70, 40]]), 25)}"/>`);
      }
      parts.push(pen(random, height));
      break;
    }
    case 'foliage':
      parts.push(rect(jitter(random, [40, 80, 40], 20)));
      for (let index = 0; index < 110; index += 1) {
        const [x, y] = [random.range(0, 1000).toFixed(0), random.range(0, height).toFixed(0)];
        parts.push(`<ellipse cx="${x}" cy="${y}" rx="${random.range(10, 45).toFixed(0)}" ry="${random.range(5, 18).toFixed(0)}" transform="rotate(${random.range(0, 180).toFixed(0)} ${x} ${y})" fill="${jitter(random, [70, 140, 60], 40)}" opacity="0.8"/>`);
      }
      break;
    default:
      parts.push(`<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${jitter(random, [60, 110, 200], 25)}"/><stop offset="1" stop-color="${jitter(random, [180, 210, 240], 20)}"/></linearGradient></defs>`, rect('url(#sky)'));
      for (let index = 0; index < 7; index += 1) {
        const x = random.range(0, 1000);
        const y = random.range(0, height * 0.8);
        for (let puff = 0; puff < 6; puff += 1) {
          parts.push(`<circle cx="${(x + random.range(-90, 90)).toFixed(0)}" cy="${(y + random.range(-25, 25)).toFixed(0)}" r="${random.range(25, 60).toFixed(0)}" fill="#ffffff" opacity="${random.range(0.5, 0.85).toFixed(2)}"/>`);
        }
      }
  }
  parts.push('</svg>');
  return parts.join('');
}

function bricks(random: SeededRandom, x0: number, y0: number, x1: number, y1: number, colour: readonly number[]): string {
  const parts = [`<rect x="${x0.toFixed(0)}" y="${y0.toFixed(0)}" width="${(x1 - x0).toFixed(0)}" height="${(y1 - y0).toFixed(0)}" fill="#b8b0a4"/>`];
  const brickHeight = random.range(22, 40);
  for (let y = y0, row = 0; y < y1; y += brickHeight, row += 1) {
    const offset = row % 2 === 0 ? 0 : brickHeight * 1.5;
    for (let x = x0 - offset; x < x1; x += brickHeight * 3) {
      parts.push(`<rect x="${(x + 2).toFixed(0)}" y="${(y + 2).toFixed(0)}" width="${(brickHeight * 3 - 4).toFixed(0)}" height="${(brickHeight - 4).toFixed(0)}" fill="${jitter(random, colour, 18)}"/>`);
    }
  }
  return parts.join('');
}

function mug(random: SeededRandom, height: number): string {
  const x = random.chance(0.5) ? random.range(40, 160) : random.range(840, 960);
  const y = random.range(60, height - 60);
  const colour = jitter(random, random.pick([[240, 240, 240], [200, 40, 40], [30, 60, 120]]), 15);
  return `<circle cx="${x.toFixed(0)}" cy="${(y + 12).toFixed(0)}" r="95" fill="#000" opacity="0.2"/><circle cx="${x.toFixed(0)}" cy="${y.toFixed(0)}" r="90" fill="${colour}"/><circle cx="${x.toFixed(0)}" cy="${y.toFixed(0)}" r="72" fill="#3b2414"/><rect x="${(x + 80).toFixed(0)}" y="${(y - 18).toFixed(0)}" width="55" height="36" rx="16" fill="${colour}"/>`;
}

function pen(random: SeededRandom, height: number): string {
  const x = random.range(50, 950);
  const y = random.range(50, height - 50);
  return `<g transform="rotate(${random.range(0, 180).toFixed(0)} ${x.toFixed(0)} ${y.toFixed(0)})"><rect x="${(x - 150).toFixed(0)}" y="${(y - 9).toFixed(0)}" width="300" height="18" rx="8" fill="${jitter(random, random.pick([[20, 40, 140], [20, 20, 20], [200, 200, 200]]), 15)}"/><rect x="${(x + 140).toFixed(0)}" y="${(y - 5).toFixed(0)}" width="30" height="10" rx="4" fill="#999"/></g>`;
}

function keyboard(random: SeededRandom, height: number): string {
  const top = random.chance(0.5) ? -random.range(60, 140) : height - random.range(60, 140);
  const parts = [`<rect x="${random.range(-100, 100).toFixed(0)}" y="${top.toFixed(0)}" width="900" height="200" rx="12" fill="#2a2a2e"/>`];
  for (let row = 0; row < 5; row += 1) {
    for (let key = 0; key < 16; key += 1) {
      parts.push(`<rect x="${(key * 52 + 60).toFixed(0)}" y="${(top + 14 + row * 38).toFixed(0)}" width="44" height="32" rx="5" fill="#3c3c42"/>`);
    }
  }
  return parts.join('');
}
