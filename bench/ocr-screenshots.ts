import { parseMarkedLine } from './ocr-marked-text.js';
import type { ChatText, SceneText } from './ocr-scene-texts.js';
import type { SeededRandom } from './ocr-seeded-random.js';
import { svgText } from './ocr-svg-text.js';

/** A rendered screen: its SVG at its own pixel size and the marked lines it shows. */
export interface Screen {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
  readonly isDark: boolean;
}

interface Theme {
  readonly background: string;
  readonly sidebar: string;
  readonly text: string;
  readonly muted: string;
  readonly accent: string;
}

const LIGHT: Theme = { background: '#ffffff', sidebar: '#3f0e40', text: '#1d1c1d', muted: '#616061', accent: '#1264a3' };
const DARK: Theme = { background: '#1a1d21', sidebar: '#19171d', text: '#d1d2d3', muted: '#9a9b9e', accent: '#1d9bd1' };

function open(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${String(width)} ${String(height)}">`;
}

/** A desktop chat client (1280 × 800 px at 100–125 % scaling): channels, a header, messages, an input box. */
export function chatScreen(chat: ChatText, random: SeededRandom): Screen {
  const isDark = random.chance(0.4);
  const theme = isDark ? DARK : LIGHT;
  const ui = random.range(1, 1.25);
  const [width, height] = [Math.round(1280 * ui), Math.round(800 * ui)];
  const sidebarWidth = 250 * ui;
  const lines: string[] = [];
  const parts = [open(width, height), `<rect width="${String(width)}" height="${String(height)}" fill="${theme.background}"/>`, `<rect width="${sidebarWidth.toFixed(0)}" height="${String(height)}" fill="${theme.sidebar}"/>`];
  const text = (x: number, y: number, marked: string, size: number, fill: string, weight: 'normal' | 'bold' = 'normal') => {
    lines.push(marked);
    parts.push(svgText(x, y, parseMarkedLine(marked).text, { size: size * ui, fill, weight, family: 'DejaVu Sans' }));
  };
  text(20 * ui, 42 * ui, 'Corvina Robotics', 18, '#ffffff', 'bold');
  ['#general', '#random', '#lab-graz', chat.channel].forEach((channel, index) => text(28 * ui, (95 + index * 34) * ui, channel, 15, channel === chat.channel ? '#ffffff' : '#cfc3cf'));
  text(sidebarWidth + 24 * ui, 40 * ui, chat.channel, 19, theme.text, 'bold');
  parts.push(`<rect x="${sidebarWidth.toFixed(0)}" y="${(62 * ui).toFixed(0)}" width="${String(width)}" height="1" fill="${theme.muted}" opacity="0.4"/>`);
  chat.messages.forEach((message, index) => {
    const y = (120 + index * 92) * ui;
    const colour = random.pick(['#e8912d', '#2bac76', '#4a90d9', '#cd2553', '#7c5cbf']);
    parts.push(`<rect x="${(sidebarWidth + 22 * ui).toFixed(0)}" y="${(y - 20 * ui).toFixed(0)}" width="${(40 * ui).toFixed(0)}" height="${(40 * ui).toFixed(0)}" rx="${(6 * ui).toFixed(0)}" fill="${colour}"/>`);
    lines.push(`${message.author} ${message.time}`);
    parts.push(svgText(sidebarWidth + 76 * ui, y - 4 * ui, message.author, { size: 15 * ui, weight: 'bold', fill: theme.text }));
    parts.push(svgText(sidebarWidth + 76 * ui + (message.author.length * 9.6 + 14) * ui, y - 4 * ui, message.time, { size: 12 * ui, fill: theme.muted }));
    text(sidebarWidth + 76 * ui, y + 22 * ui, message.text, 15, theme.text);
  });
  parts.push(`<rect x="${(sidebarWidth + 20 * ui).toFixed(0)}" y="${(height - 70 * ui).toFixed(0)}" width="${(width - sidebarWidth - 40 * ui).toFixed(0)}" height="${(46 * ui).toFixed(0)}" rx="8" fill="none" stroke="${theme.muted}"/>`);
  text(sidebarWidth + 36 * ui, height - 41 * ui, `Message ${chat.channel}`, 14, theme.muted);
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, lines, isDark };
}

/** A terminal window (1200 × 720 px): a title bar and a monospace session. */
export function terminalScreen(session: SceneText, random: SeededRandom): Screen {
  const [background, foreground] = random.pick([['#1e1e1e', '#d4d4d4'], ['#300a24', '#eeeeec'], ['#0c0c0c', '#cccccc'], ['#002b36', '#93a1a1']] as const);
  const size = random.range(16, 20);
  const [width, height] = [1200, 720];
  const parts = [open(width, height), `<rect width="${String(width)}" height="${String(height)}" fill="${background}"/>`, `<rect width="${String(width)}" height="36" fill="#2d2d2d"/>`];
  for (const [index, colour] of ['#ff5f56', '#ffbd2e', '#27c93f'].entries()) parts.push(`<circle cx="${String(22 + index * 22)}" cy="18" r="7" fill="${colour}"/>`);
  parts.push(svgText(width / 2, 24, 'deploy@build: ~', { size: 14, fill: '#bbbbbb', anchor: 'middle' }));
  session.lines.forEach((marked, index) => {
    const text = parseMarkedLine(marked).text;
    const isPrompt = text.startsWith('$') || text.startsWith('deploy@');
    parts.push(svgText(16, 70 + index * size * 1.5, text, { size, family: 'DejaVu Sans Mono', fill: isPrompt ? '#8ae234' : foreground }));
  });
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, lines: ['deploy@build: ~', ...session.lines], isDark: true };
}

/** An issue-tracker page (1280 × 800 px): navigation, a ticket title, a marking label and the description. */
export function ticketScreen(ticket: SceneText, random: SeededRandom): Screen {
  const isDark = random.chance(0.35);
  const theme = isDark ? DARK : LIGHT;
  const [width, height] = [1280, 800];
  const [title = '', marking = '', ...description] = ticket.lines;
  const parts = [open(width, height), `<rect width="${String(width)}" height="${String(height)}" fill="${theme.background}"/>`, `<rect width="${String(width)}" height="56" fill="${isDark ? '#22272b' : '#0052cc'}"/>`];
  const lines = ['Tracker Projects Boards', title, marking, ...description];
  parts.push(svgText(24, 36, 'Tracker   Projects   Boards', { size: 17, weight: 'bold', fill: '#ffffff' }));
  parts.push(svgText(60, 130, parseMarkedLine(title).text, { size: 27, weight: 'bold', fill: theme.text }));
  const markingText = parseMarkedLine(marking).text;
  parts.push(`<rect x="60" y="160" width="${String(markingText.length * 11 + 24)}" height="30" rx="4" fill="#de350b"/>`);
  parts.push(svgText(72, 181, markingText, { size: 15, weight: 'bold', fill: '#ffffff' }));
  description.forEach((marked, index) => {
    parts.push(`<circle cx="72" cy="${String(245 + index * 40)}" r="3.5" fill="${theme.text}"/>`);
    parts.push(svgText(86, 251 + index * 40, parseMarkedLine(marked).text, { size: 17, fill: theme.text }));
  });
  parts.push('</svg>');
  return { svg: parts.join(''), width, height, lines, isDark };
}
