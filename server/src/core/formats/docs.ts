/**
 * Documentation (Markdown, reStructuredText): code blocks are analysed as the language they declare;
 * the prose around them only for keys (a sentence that says "``verify_ssl = false`` is dangerous"
 * is not a setting).
 */
import { own } from '../lookup';
import type { FormatId } from '../types';
import { detectFormat } from './detect';

/** A code block: the range of its content and the format its info string or directive names. */
export interface CodeBlock {
  start: number;
  end: number;
  format: FormatId;
}

const LANG_ALIASES: Record<string, string> = {
  py: 'python', python3: 'python', pycon: 'python', ipython: 'python', py3: 'python', sh: 'shellscript', bash: 'shellscript',
  shell: 'shellscript', console: 'shellscript', zsh: 'shellscript', shellsession: 'shellscript', js: 'javascript', ts: 'typescript',
  yml: 'yaml', ps1: 'powershell', pwsh: 'powershell', docker: 'dockerfile', env: 'dotenv', cfg: 'ini', conf: 'ini', tf: 'terraform',
  hcl: 'terraform', rb: 'ruby', golang: 'go', cs: 'csharp', 'c#': 'csharp', kt: 'kotlin', rs: 'rust', text: 'plaintext', none: 'plaintext',
};

function formatOf(lang: string): FormatId {
  const id = lang.toLowerCase().replace(/^\{\.?|\}$/g, '');
  if (!id) return 'plaintext';
  const f = detectFormat('', '', own(LANG_ALIASES, id) ?? id);
  return f === 'markdown' ? 'plaintext' : f;
}

const LINE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;

function lines(text: string): Array<{ start: number; text: string; end: number }> {
  const out: Array<{ start: number; text: string; end: number }> = [];
  LINE.lastIndex = 0;
  for (let m = LINE.exec(text); m && m[0] !== ''; m = LINE.exec(text)) out.push({ start: m.index, text: m[0].replace(/[\r\n]+$/, ''), end: m.index + m[0].length });
  return out;
}

/** Fenced (``` / ~~~) and indented-directive code blocks of a Markdown or reStructuredText text. */
export function codeBlocks(text: string, format: FormatId): CodeBlock[] {
  const out: CodeBlock[] = [];
  const ls = lines(text);
  for (let i = 0; i < ls.length; i++) {
    const fence = /^( {0,3})(`{3,}|~{3,})\s*([^\s`{]*|\{[^}]*\})/.exec(ls[i].text);
    if (fence) {
      const close = new RegExp(`^ {0,3}${fence[2][0] === '`' ? '`' : '~'}{${fence[2].length},}\\s*$`);
      let j = i + 1;
      while (j < ls.length && !close.test(ls[j].text)) j++;
      if (j > i + 1) out.push({ start: ls[i + 1].start, end: ls[j - 1].end, format: formatOf(fence[3]) });
      i = j;
      continue;
    }
    if (format !== 'rst') continue;
    const directive = /^(\s*)\.\.\s+(?:code-block|code|sourcecode|highlight)::\s*(\S*)/.exec(ls[i].text);
    const literal = !directive && /::\s*$/.test(ls[i].text) && !/^\s*\.\./.test(ls[i].text) ? /^(\s*)/.exec(ls[i].text) : null;
    const head = directive ?? literal;
    if (!head) continue;
    const indent = head[1].length;
    let j = i + 1;
    let last = i;
    while (j < ls.length && (ls[j].text.trim() === '' || /^(\s*)/.exec(ls[j].text)![1].length > indent)) {
      if (ls[j].text.trim() !== '' && !/^\s*:\w[\w-]*:/.test(ls[j].text)) last = j;
      j++;
    }
    if (last > i) out.push({ start: ls[i + 1].start, end: ls[last].end, format: directive ? formatOf(directive[2]) : 'plaintext' });
    i = last;
  }
  return out;
}
