/**
 * What a line of notes looks like: a question, a topic title ("Weakness"), a section label
 * ("Short version:", "完整版"), a STAR step, a `Q:`/`A:` line. English and Chinese. Pure.
 */
import { sectionForHeading } from '../markdown/section-names.js';
import type { SectionName } from '../core/card.js';
import { displayWidth } from '../ui/width.js';

/** Text without emphasis wrappers, heading numbering ("1.1 ") and surrounding space. */
export function cleanTitle(text: string): string {
  // "▶ How…": a toggle's arrow (Notion, Google Docs) is not part of the text.
  let t = text.trim().replace(/^[▶▸▷▹►]\s*/u, '');
  for (;;) {
    const m = /^(\*\*|__|\*|_)(.+)\1$/u.exec(t);
    if (!m) break;
    t = m[2]!.trim();
  }
  t = t.replace(/^(\*\*|__)(.+?)\1\s*([?？:：])?\s*$/u, (_all, _w, inner: string, end: string | undefined) => `${inner}${end ?? ''}`);
  return t.replace(/\s+/g, ' ').trim();
}

/** "1.1 What's…" → "What's…"; "Q3: Why…" → "Why…". For question text only. */
export function stripNumbering(text: string): string {
  return text
    .replace(/^(?:\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}[.)、．）])\s+/u, '')
    .replace(/^(?:q|question|问题|問題|问|問|题目|題目)\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})?\s*[:：.、)]\s*/iu, '')
    .trim();
}

const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|no|approx|incl)\./giu;

/** Does the text hold more than one sentence ("Why? Because…")? */
function severalSentences(text: string): boolean {
  return /[.!?。！？](?:\s+|(?=[\p{Script=Han}]))\S/u.test(text.replace(ABBREVIATIONS, ''));
}

/** Ends with ? or ？ (a trailing parenthetical or emphasis allowed), or a Chinese question particle. */
export function isStrongQuestion(text: string): boolean {
  const t = cleanTitle(text);
  if (t.length > 400) return false;
  return /[?？]\s*(?:[(（][^()（）]{0,40}[)）])?\s*(?:\*\*|__)?\s*$/u.test(t) || /[吗嗎呢]\s*$/u.test(t);
}

const EN_INTERROGATIVE = /^(?:why|what|what's|whats|how|which)\b/iu;
const EN_IMPERATIVE =
  /^(?:(?:please|pls)[\s,]+)?(?:tell\s+(?:me|us)|describe|explain|walk\s+(?:me|us)\s+through|talk\s+(?:(?:me|us)\s+)?(?:about|through)|give\s+(?:me\s+|us\s+)?(?:an?\s+)?(?:example|instance)|share\s+(?:an?|your|about|with)|introduce\s+yourself|elaborate\s+on|discuss|compare|define|design\s+\S+\s+\S+|implement\s+\S+\s+\S+)\b/iu;
const ZH_QUESTION_WORD = /(?:为什么|為什麼|为何|為何|什么|什麼|如何|怎么|怎麼|怎样|怎樣|哪些|哪个|哪個|哪里|哪裡|哪儿|多少|是否|有没有|有沒有|能否|可否)/u;
const ZH_IMPERATIVE = /^(?:请|請)?(?:(?:谈|談|说|說|讲|講|聊)(?:谈|談|说|說|讲|講|聊|一谈|一談|一说|一說|一讲|一講|一下|一个|一個|个|個)|举个例子|舉個例子|描述|介绍|介紹|解释|解釋|举例|舉例|举个例子|舉個例子|分享|简述|簡述|阐述|闡述|说明|說明|列举|列舉)/u;

/** Worded as a question or an interview prompt, with or without the question mark. */
export function isWordQuestion(text: string): boolean {
  const t = stripNumbering(cleanTitle(text));
  if (t.length > 200 || severalSentences(t)) return false;
  if (/[:：]$/u.test(t)) return false;
  if (EN_IMPERATIVE.test(t)) return true;
  if (EN_INTERROGATIVE.test(t) && !/[.。!！]$/u.test(t)) return true;
  const cjk = /\p{Script=Han}/u.test(t);
  if (cjk && [...t].length <= 80 && !/[.。!！]$/u.test(t) && (ZH_QUESTION_WORD.test(t) || ZH_IMPERATIVE.test(t))) return true;
  return false;
}

export function isQuestionForm(text: string): boolean {
  return isStrongQuestion(text) || isWordQuestion(text);
}

const STOPWORD_END = /\b(?:a|an|the|and|or|of|to|in|on|at|for|with|by|from|our|my|your|their|is|are|was|were|be|as|that|which|but|so|if|than|then|because|into|about)$/iu;

/** A short title such as "Weakness", "Teamwork or individual work", "优点": not a sentence, not code. */
export function isTopicForm(text: string): boolean {
  const t = cleanTitle(text);
  if (t === '' || !/\p{L}/u.test(t)) return false;
  if (!/^[\p{L}\p{N}(（【「『"“'‘]/u.test(t)) return false;
  if (/[=<>{}|;`\\]/u.test(t)) return false;
  const width = displayWidth(t);
  const words = t.split(/\s+/u).length;
  if (width > 60 || words > 9) return false;
  if (/[:：]$/u.test(t)) return width <= 30 && words <= 5;
  if (/[.。,，;；、!！…]$/u.test(t)) return false;
  if (STOPWORD_END.test(t)) return false;
  return true;
}

const ASK_THEM =
  /^(?:(?:my\s+)?questions?\s+(?:to\s+ask(?:\s+(?:them|the\s+interviewers?|the\s+team))?|for\s+(?:them|the\s+(?:interviewers?|team|company|hiring\s+manager)))|(?:my\s+)?questions\s+i\s+(?:want\s+to\s+|will\s+|can\s+|could\s+)?ask|reverse\s+questions?|things\s+to\s+ask(?:\s+them)?|反问|反問|反问环节|反問環節|提问环节|提問環節|我的问题|我的問題|我想问的|我想問的)\s*[:：]?$/iu;

const LEAD_IN_EN =
  /^(?:for|e\.?g\.?|i\.?e\.?|such|also|and|but|so|then|plus|another|other|more|besides|moreover|furthermore|additionally|in|on|at|with|because|since|as|to|finally|first(?:ly)?|second(?:ly)?|third(?:ly)?|last(?:ly)?|overall|examples?|my|our|the|a|an|this|these|those|that|some|several|many|few|two|three|four|five|here|there)\b/iu;
const LEAD_IN_ZH =
  /^(?:比如|例如|譬如|举例|舉例|举个例子|舉個例子|另外|还有|還有|此外|而且|并且|並且|同时|同時|首先|其次|然后|然後|最后|最後|总之|總之|总结|總結|总的来说|總的來說|所以|因此|因为|因為|包括|主要|具体|具體|例子|第[一二三四五六七八九十\d]|[一二三四五六七八九十]是|另一|以下|如下|我的|我们|我們)/u;

/**
 * A line that leads into what follows rather than titling it: "For example", "Three reasons:",
 * "Example: the billing migration", "比如", "主要有以下几点", "as follows".
 */
export function isLeadIn(text: string): boolean {
  const t = cleanTitle(text);
  return /[:：]/u.test(t) || LEAD_IN_EN.test(t) || LEAD_IN_ZH.test(t) || /(?:\b(?:follows?|following|below)|如下|以下\S{0,4})$/iu.test(t);
}

/** A title over the questions the candidate means to ask ("Questions to ask them", "反问"). */
export function isAskThemTitle(text: string): boolean {
  return ASK_THEM.test(stripNumbering(cleanTitle(text)));
}

/** Interview topics people write as bare titles. */
const TOPIC_EN =
  /\b(?:strengths?|weakness(?:es)?|team\s?work|team\s+player|collaboration|conflicts?|disagree(?:ment)?s?|failures?|mistakes?|achievements?|accomplishments?|challenges?|career|goals?|motivation|overtime|salary|compensation|expectations?|self[-\s]?intro(?:duction)?|introduction|introduce|about\s+(?:me|yourself)|leadership|pressure|stress|deadlines?|feedback|criticism|hobb(?:y|ies)|passion|reasons?\s+for\s+leaving|leaving|relocat\w*|notice\s+period|availability|work(?:ing)?\s+style|management\s+style|dream\s+job|five\s+years|5\s+years|weekend|remote|questions\s+for\s+(?:us|me|the\s+interviewer)|proudest|biggest|greatest|difficult|why\s+(?:us|me|you)|experience|projects?)\b/iu;
const TOPIC_ZH =
  /(?:优点|優點|缺点|缺點|优势|優勢|劣势|劣勢|自我介绍|自我介紹|职业规划|職業規劃|职业发展|職業發展|规划|規劃|离职|離職|跳槽|薪资|薪資|薪水|期望|团队|團隊|合作|冲突|衝突|失败|失敗|挫折|挑战|挑戰|困难|困難|成就|压力|壓力|加班|项目|項目|專案|兴趣|興趣|爱好|愛好|反问|反問|动机|動機|经历|經歷|经验|經驗)/u;

export function isInterviewTopic(text: string): boolean {
  const t = cleanTitle(text);
  return TOPIC_EN.test(t) || TOPIC_ZH.test(t);
}

/** STAR steps and similar story parts; never questions, never section switches. */
const STAR = /^(?:situation|task|actions?|results?|reflections?|learnings?|lessons?(?:\s+learned)?|outcome|impact|context|background|s|t|a|r|情境|情景|背景|任务|任務|行动|行動|结果|結果|反思|总结|總結|收获|收穫)$/iu;

export function isStarStep(text: string): boolean {
  // A step is a word or two; the patterns below would take quadratic time on a long run of spaces.
  if (text.length > 200) return false;
  const t = cleanTitle(text)
    .replace(/^[\s\d.)、#*-]+/u, '')
    .replace(/\s*[:：]?\s*$/u, '')
    .replace(/\s*[(（][^()（）]*[)）]$/u, '')
    .trim();
  return STAR.test(t);
}

/** A line that names a section: "## Short version", "完整版", "**Notes:**", "Short version: I led…". */
export function sectionLabel(text: string, isHeading: boolean): { name: SectionName; rest: string } | undefined {
  const t = text.trim();
  if (isHeading) {
    const name = sectionForHeading(cleanTitle(t));
    return name ? { name, rest: '' } : undefined;
  }
  const whole = sectionForHeading(cleanTitle(t).replace(/[:：]$/u, ''));
  if (whole && displayWidth(t) <= 40) return { name: whole, rest: '' };
  const m = /^(?:\*\*|__)?([^:：*_]{1,30}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.+)$/u.exec(t);
  if (!m) return undefined;
  const name = sectionForHeading(m[1]!);
  // "Note: mention the budget" inside an answer is a remark, not the start of the notes section.
  if (!name || name === 'notes') return undefined;
  return { name, rest: m[2]!.trim() };
}

// "Q1:", "问题2：", "问题一：", "題目三、": the number may be written in Chinese numerals.
// Every \s* is followed by something that is not a space (or ends the label), so that a long run of
// spaces cannot be split between them in many ways: `a\s*\d{0,3}\s*(\*\*)?\s*:` took cubic time.
const Q_LINE = /^(?:\*\*|__)?(?:q|question|问题|問題|问|問|题目|題目)\s*(?:(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:[.、)]|(?:(?:\*\*|__)\s*)?[:：])|(?:(?:\*\*|__)\s*)?[:：])\s*(?:(?:\*\*|__)\s*)?/iu;
const A_LINE = /^(?:\*\*|__)?(?:a|ans|answer|答|回答|答案)\s*(?:\d{1,3}\s*)?(?:(?:\*\*|__)\s*)?[:：]\s*(?:(?:\*\*|__)\s*)?/iu;

/** "**Q1. Why…?**" → "Q1. Why…?": a label line written wholly in bold. */
function unwrapBold(text: string): string {
  const t = text.trim();
  const m = /^(\*\*|__)(.+)\1$/u.exec(t);
  return m && !m[2]!.includes(m[1]!) ? m[2]!.trim() : t;
}

/** "Q: Why Acme?" → "Why Acme?"; "Q1. …", "问：…", "**Q1. Why…?**". */
export function qLine(text: string): string | undefined {
  const t = unwrapBold(text);
  const m = Q_LINE.exec(t);
  return m ? t.slice(m[0].length).replace(/(?:\*\*|__)\s*$/u, '').trim() : undefined;
}

/** "A: Because…" → "Because…". */
export function aLine(text: string): string | undefined {
  const t = unwrapBold(text);
  const m = A_LINE.exec(t);
  return m ? t.slice(m[0].length).trim() : undefined;
}

/** Obsidian callout types that mark a question, an answer, or a section of the answer. */
export function calloutRole(type: string | undefined): 'q' | 'a' | SectionName | undefined {
  if (type === undefined) return undefined;
  if (/^(?:question|questions|faq|help|q|ask|interview)$/u.test(type)) return 'q';
  if (/^(?:answer|a|ans|success|check|done|response)$/u.test(type)) return 'a';
  if (/^(?:note|notes|tip|tips|hint|info|important|todo|warning|caution|attention)$/u.test(type)) return 'notes';
  if (/^(?:abstract|summary|tldr|short)$/u.test(type)) return 'short';
  return undefined;
}

const PLACEHOLDER_WORD =
  /^(?:tbd|tba|tbc|todo|to\s?do|wip|n\/a|fill\s+(?:in|me)|to\s+be\s+(?:done|written|added|filled(?:\s+in)?)|待补充|待補充|待完善|待写|待寫|待定|待整理|待回答|待准备|待準備|未完成|暂无|暫無|略|无|無)(?=$|[\s:：\-—–,，.。!！(（)）])/iu;

/**
 * Is this answer only a placeholder ("TBD", "TODO: …", "待补充", "...", "？")? Returns what follows
 * the placeholder word ('' for a bare one), or undefined for a real answer.
 */
export function placeholder(text: string): string | undefined {
  // Emphasis and code marks at either end are stripped by hand: `(?:\*\*|__|\*|_)+$` took time
  // exponential in a run of underscores, and even `[*_`]+$` is quadratic in one. Then a bracket
  // around it, the bracket before the spaces for the same reason (`\s*[)）]$` is quadratic in spaces).
  const t = trimChars(text.trim().replace(/^(?:[-*+•]\s+)?(?:\[[ xX]\]\s+)?/u, ''), '*_`')
    .replace(/^[(（[【]\s*/u, '')
    .replace(/[)）\]】]$/u, '')
    .trim();
  if (t === '' || t.includes('\n')) return undefined;
  if (/^[.。…?？!！\-—–_~·、]+$/u.test(t)) return '';
  const m = PLACEHOLDER_WORD.exec(t);
  if (!m) return undefined;
  // "TODO think of one" is a placeholder; "Todo lists: I write one…" is an answer.
  if (/^\s/u.test(t.slice(m[0].length)) && (m[0] !== m[0].toUpperCase() || !/[A-Z]/u.test(m[0]))) return undefined;
  return t.slice(m[0].length).replace(/^[\s:：\-—–,，.。!！()（）]+/u, '').trim();
}

/** `text` without any of `chars` at its start or end. Linear, unlike a regular expression anchored at the end. */
function trimChars(text: string, chars: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}
