/**
 * A js-yaml error in front matter → the line a person would fix and what to do there. Pure.
 *
 * js-yaml reports where it noticed the problem, which is often later than where it is: an
 * unclosed `[` or `"` is noticed at the end of the front matter or at the next key it swallowed,
 * `question: 'What's…'` and `question:Q` at the line after. A light scan of the YAML (quotes,
 * flow collections, block scalars, comments) finds the construct that started the trouble; when
 * there is none, js-yaml's own line stands.
 */

export interface YamlErrorLike {
  reason?: string;
  /** 0-based, in the YAML text. */
  mark?: { line?: number; position?: number };
}

/** `yaml` is the text js-yaml parsed; its line 0 is file line 1 (the opening `---` line). */
export function explainYamlError(yaml: string, error: YamlErrorLike, fallbackReason: string): { line: number; message: string } {
  const reason = error.reason ?? fallbackReason;
  const markLine = error.mark?.line ?? 0;
  const markPos = error.mark?.position ?? 0;
  const lines = yaml.split('\n');
  const generic = { line: markLine + 1, message: `front matter is not valid YAML (${reason}); fix the YAML between the --- lines` };
  if (typeof error.mark?.line !== 'number' || typeof error.mark.position !== 'number') return generic;
  const scan = scanYaml(lines);
  const at = (line: number, what: string, todo: string) => ({ line: line + 1, message: `front matter is not valid YAML (${what}); ${todo}` });

  // An unclosed quote or bracket: still open where js-yaml gave up, or it swallowed the next key.
  const endOfStream = /^unexpected end of the (stream|document) within/.test(reason);
  const unclosed = scan.constructs.find(
    (c) => c.start <= markPos && ((c.swallowedAt !== undefined && c.swallowedAt <= markPos) || (endOfStream && (c.end === undefined || c.end > markPos))),
  );
  if (unclosed) {
    const closers = scan.constructs
      .filter((c) => c.start >= unclosed.start && c.start <= markPos && (c.end === undefined || c.end > markPos) && c.kind === unclosed.kind)
      .map((c) => CLOSER[c.char]!)
      .reverse()
      .slice(0, 5)
      .join('');
    const where = describeWhere(lines[unclosed.line]!, unclosed.column);
    if (unclosed.kind === 'quote') {
      return at(unclosed.line, `the ${unclosed.char} ${where} is never closed`, `add the closing ${unclosed.char} at the end of the value`);
    }
    return at(unclosed.line, `the ${unclosed.char} ${where} is never closed`, `add the missing ${closers || CLOSER[unclosed.char]} at the end of the ${unclosed.char === '[' ? 'list' : 'value'}`);
  }

  // Text after a closing quote or bracket (`question: 'What's your weakness?'`), often noticed a line later.
  const trailing = scan.trailing.find((t) => t.line <= markLine);
  // A top-level line that is not `key: value` (`question:Q`, a value continued without indenting).
  const stray = scan.strayLines.find((l) => l <= markLine);
  const firstCulprit = [trailing?.line, stray].filter((l): l is number => l !== undefined).sort((a, b) => a - b)[0];
  if (firstCulprit !== undefined && firstCulprit === trailing?.line) {
    const t = trailing;
    const key = keyBefore(lines[t.line]!, t.column);
    const value = key !== undefined ? `the value of \`${key}:\`` : 'this value';
    if (t.char === '"') return at(t.line, `${value} has text after its closing "`, 'write a " inside the value as \\" or put the whole value in \' quotes instead');
    if (t.char === "'") return at(t.line, `${value} has text after its closing '`, 'write a \' inside the value as \'\' or put the whole value in " quotes instead');
    const todo = key === 'tags' ? `move it inside the ${t.char} ${CLOSER[t.char]}` : 'put the whole value in quotes';
    return at(t.line, `${value} has text after its closing ${CLOSER[t.char]}`, todo);
  }
  if (firstCulprit !== undefined) {
    const text = lines[firstCulprit]!;
    const glued = /^([\p{L}\p{N}_-]+):(?=\S)/u.exec(text);
    if (glued) return at(firstCulprit, `\`${glued[1]}:\` has no space after the colon`, `put a space after \`${glued[1]}:\``);
    return at(firstCulprit, 'this line has no `key:`', 'join it to the line above or start it with the missing `key:`');
  }

  // The first key indented and the next ones not: js-yaml stops at the second key.
  if (scan.firstIndented !== undefined && scan.firstIndented < markLine && /^end of the stream or a document separator is expected/.test(reason)) {
    return at(scan.firstIndented, 'the first key is indented but the keys after it are not', 'start every key at the beginning of its line');
  }

  const markText = lines[markLine] ?? '';
  const keyMatch = KEY_LINE.exec(markText);
  const key = keyMatch ? unquote(keyMatch[2]!) : undefined;
  if (reason === 'missed comma between flow collection entries') {
    const list = scan.constructs.filter((c) => c.kind === 'flow' && c.start <= markPos && (c.end === undefined || c.end > markPos)).at(-1);
    const listKey = list ? keyBefore(lines[list.line]!, list.column) : undefined;
    const what = listKey !== undefined ? `the \`${listKey}:\` list` : 'this list';
    return at(markLine, `${what} has two entries with no comma between them`, 'separate the entries with commas');
  }
  if (reason === 'duplicated mapping key' && key !== undefined) {
    return at(markLine, `\`${key}:\` appears twice`, 'keep one of them and delete the other');
  }
  if (/^bad indentation of a (mapping|sequence) entry$/.test(reason)) {
    if (/^\s*-(\s|$)/.test(markText)) {
      return at(markLine, 'this - item is indented differently from the items before it', 'start every - of the list in the same column');
    }
    const what = key !== undefined ? `\`${key}:\` is` : 'this line is';
    return at(markLine, `${what} indented differently from the keys before it`, 'line it up with them');
  }
  // `question: Tell me: why?`: a plain value holding `: ` reads as a second key.
  if (/^incomplete explicit mapping pair/.test(reason) && keyMatch && key !== undefined) {
    const value = markText.slice(keyMatch[0].length).trim();
    if (/^[^"'[{|>&*!#]/.test(value) && /:(\s|$)/.test(value)) {
      return at(markLine, `the value of \`${key}:\` contains a colon and a space`, 'put the whole value in quotes');
    }
  }
  return generic;
}

const CLOSER: Record<string, string> = { '[': ']', '{': '}', '"': '"', "'": "'" };

/** `key:` at the start of a line: 1 is its indentation, 2 the key (plain or quoted). */
const KEY_LINE = /^([ \t]*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?![-?][ \t]|[-?]$)[^\s#'"[\]{},:][^:#]*):(?:\s|$)/;

/** The key as shown in a message: unquoted, and cut short if it is long. */
function unquote(key: string): string {
  const trimmed = key.trim();
  const bare = /^["']/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
  return bare.length > 40 ? `${bare.slice(0, 40)}…` : bare;
}

/** The key whose value starts at `column` of `text`, if any. */
function keyBefore(text: string, column: number): string | undefined {
  const key = KEY_LINE.exec(text);
  return key && key[0].length <= column && text.slice(key[0].length, column).trim() === '' ? unquote(key[2]!) : undefined;
}

/** "after `tags:`" when the character follows a key on its line, else "on this line". */
function describeWhere(text: string, column: number): string {
  const key = keyBefore(text, column);
  return key !== undefined ? `after \`${key}:\`` : 'on this line';
}

interface Construct {
  kind: 'quote' | 'flow';
  char: string;
  /** Offsets in the YAML text. */
  start: number;
  end?: number;
  /** 0-based line and column of the opening character. */
  line: number;
  column: number;
  /** Indentation of the line it opens on. */
  indent: number;
  /** Offset of the first line inside it that looks like a key or list item of its own, at that indentation or less. */
  swallowedAt?: number;
}

interface Scan {
  constructs: Construct[];
  /** Quotes and brackets closed in block context with more text after them on the same line. */
  trailing: { line: number; column: number; char: string }[];
  /** Lines at column 0, outside any quote, bracket or block scalar, that are not `key:`, `- item` or a comment. */
  strayLines: number[];
  /** The first content line, when it is indented. */
  firstIndented: number | undefined;
}

/** An approximation of YAML's tokens, enough to say where a quote or bracket opened. Linear. */
function scanYaml(lines: string[]): Scan {
  const constructs: Construct[] = [];
  const trailing: Scan['trailing'] = [];
  const strayLines: number[] = [];
  let firstIndented: number | undefined;
  let seenContent = false;
  const flow: Construct[] = [];
  let quote: Construct | undefined;
  let blockScalarIndent: number | undefined;
  let atValue = true;
  /** Indentation of the line whose plain (unquoted) value may go on on the next, more indented lines. */
  let plainIndent: number | undefined;
  let offset = 0;

  lines.forEach((text, lineNo) => {
    const lineStart = offset;
    offset += text.length + 1;
    const indent = /^[ \t]*/.exec(text)![0].length;
    const blank = text.trim() === '' || text.trimStart().startsWith('#');
    if (blockScalarIndent !== undefined) {
      if (text.trim() === '' || indent > blockScalarIndent) return;
      blockScalarIndent = undefined;
    }
    const open = flow[0] ?? quote;
    if (open) {
      const startsEntry = KEY_LINE.test(text) || /^[ \t]*-(?:[ \t]|$)/.test(text);
      if (open.swallowedAt === undefined && startsEntry && indent <= open.indent) open.swallowedAt = lineStart + indent;
    } else if (!blank) {
      if (!seenContent && indent > 0) firstIndented = lineNo;
      seenContent = true;
      if (indent === 0 && !KEY_LINE.test(text) && !/^(?:[-?](?:[ \t]|$)|\.\.\.|---|[[{"'])/.test(text)) strayLines.push(lineNo);
    }

    // In block context a line starts a key or a value unless it goes on with the plain value above;
    // inside brackets it goes on from the line before.
    const continuesPlain = !quote && flow.length === 0 && plainIndent !== undefined && indent > plainIndent;
    if (!quote && flow.length === 0) atValue = !continuesPlain;
    if (!continuesPlain && !blank) plainIndent = undefined;
    let endsPlain = false;
    const closeAt = (c: Construct, column: number) => {
      c.end = lineStart + column;
      if (flow.length > 0) return;
      const rest = text.slice(column + 1).trim();
      if (rest !== '' && !rest.startsWith('#') && !/^:(?:\s|$)/.test(rest)) trailing.push({ line: lineNo, column: c.line === lineNo ? c.column : column, char: c.char });
    };
    for (let i = quote ? 0 : indent; i < text.length; i++) {
      const ch = text[i]!;
      if (quote) {
        if (quote.char === '"' && ch === '\\') i++;
        else if (quote.char === "'" && ch === "'" && text[i + 1] === "'") i++;
        else if (ch === quote.char) {
          closeAt(quote, i);
          quote = undefined;
          atValue = false;
        }
        continue;
      }
      if (ch === ' ' || ch === '\t') continue;
      if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) break;
      const next = text[i + 1];
      const spaceAfter = next === undefined || next === ' ' || next === '\t';
      if ((ch === '"' || ch === "'") && atValue) {
        quote = { kind: 'quote', char: ch, start: lineStart + i, line: lineNo, column: i, indent: flow[0]?.indent ?? indent };
        constructs.push(quote);
      } else if ((ch === '[' || ch === '{') && (atValue || flow.length > 0)) {
        const c: Construct = { kind: 'flow', char: ch, start: lineStart + i, line: lineNo, column: i, indent: flow[0]?.indent ?? indent };
        constructs.push(c);
        flow.push(c);
        atValue = true;
      } else if ((ch === ']' || ch === '}') && flow.length > 0) {
        const c = flow.pop()!;
        closeAt(c, i);
        atValue = false;
      } else if (flow.length > 0) {
        atValue = ch === ',' || (ch === ':' && (spaceAfter || /[,\]}]/.test(next!)));
      } else if ((ch === '|' || ch === '>') && atValue) {
        blockScalarIndent = indent;
        break;
      } else if ((ch === '-' || ch === '?') && atValue && spaceAfter) {
        // A list item or explicit key: a value may still start after it.
      } else if ((ch === '&' || ch === '!') && atValue) {
        while (i + 1 < text.length && !/\s/.test(text[i + 1]!)) i++;
      } else {
        atValue = ch === ':' && spaceAfter;
        endsPlain = !atValue;
        continue;
      }
      endsPlain = false;
    }
    // Under `key: value` the value goes on on lines indented past the key; a value on a line of its own, on lines as indented.
    if (!quote && flow.length === 0 && endsPlain && !continuesPlain) plainIndent = KEY_LINE.test(text) || /^[ \t]*-[ \t]/.test(text) ? indent : indent - 1;
  });
  return { constructs, trailing, strayLines, firstIndented };
}

