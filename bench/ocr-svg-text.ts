/** How one SVG text run is set. */
export interface TextStyle {
  readonly size: number;
  readonly family?: string;
  readonly weight?: 'normal' | 'bold';
  readonly italic?: boolean;
  readonly fill?: string;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly letterSpacing?: number;
  readonly opacity?: number;
  /** Degrees, about the text's anchor point. */
  readonly rotate?: number;
  readonly stroke?: string;
  readonly strokeWidth?: number;
}

/** An SVG `<text>` element for one line, escaped; pango picks a fallback font for any missing glyph. */
export function svgText(x: number, y: number, text: string, style: TextStyle): string {
  const attributes = [
    `x="${x.toFixed(1)}"`,
    `y="${y.toFixed(1)}"`,
    `font-family="${style.family ?? 'DejaVu Sans'}"`,
    `font-size="${style.size.toFixed(1)}"`,
    `fill="${style.fill ?? '#1b1b1b'}"`,
  ];
  if (style.weight === 'bold') attributes.push('font-weight="bold"');
  if (style.italic === true) attributes.push('font-style="italic"');
  if (style.anchor !== undefined && style.anchor !== 'start') attributes.push(`text-anchor="${style.anchor}"`);
  if (style.letterSpacing !== undefined) attributes.push(`letter-spacing="${style.letterSpacing.toFixed(1)}"`);
  if (style.opacity !== undefined) attributes.push(`opacity="${style.opacity.toFixed(2)}"`);
  if (style.rotate !== undefined) attributes.push(`transform="rotate(${style.rotate.toFixed(2)} ${x.toFixed(1)} ${y.toFixed(1)})"`);
  if (style.stroke !== undefined) {
    attributes.push(`stroke="${style.stroke}"`, `stroke-width="${(style.strokeWidth ?? 1).toFixed(1)}"`, 'paint-order="stroke"', 'stroke-linejoin="round"');
  }
  return `<text ${attributes.join(' ')}>${escapeXml(text)}</text>`;
}

/**
 * A generous width of a line in the given font, for layout: capitals and digits are wider than
 * lower case, bold wider still. It errs on the wide side, so a line never runs off its surface.
 */
export function estimateWidth(text: string, size: number, family = 'DejaVu Sans', isBold = false): number {
  if (family.includes('Mono')) return text.length * size * 0.602;
  let ems = 0;
  for (const char of text) {
    if (char === ' ') ems += 0.32;
    else if (/\p{Lu}/u.test(char)) ems += 0.76;
    else if (/\p{N}/u.test(char)) ems += 0.64;
    else if (/\p{L}/u.test(char)) ems += 0.6;
    else ems += 0.4;
  }
  return ems * size * (isBold ? 1.1 : 1);
}

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/gu, (char) => `&#${String(char.codePointAt(0))};`);
}
