/**
 * Company and tags named by the notes themselves: a title such as "Acme interview notes" or
 * "面試心得–Acme 股份有限公司", a `Company:` line, a section title over questions ("Behavioural",
 * "System design"). Pure.
 */
import { normalizeTag } from '../core/time-limits.js';
import { cleanTitle, isInterviewTopic, isQuestionForm, isTopicForm, stripNumbering } from './cues.js';

const COMPANY_LINE = /^(?:company|employer|organi[sz]ation|公司|企业|企業|公司名称|公司名稱)\s*[:：]\s*(.+)$/iu;
const TAGS_LINE = /^(?:tags?|labels?|标签|標籤|标记|標記)\s*[:：]\s*(.+)$/iu;
const CUE = '(?:interview(?:\\s+(?:notes|prep(?:aration)?|questions|experience|write-?up))?|write-?up|面试(?:心得|经验|經驗|笔记|筆記)?|面試(?:心得|经验|經驗|笔记|筆記)?|面经|面經|[一二三四终終]面(?:记录|記錄|笔记|筆記)?|面试记录|面試記錄)';
const CUE_THEN_NAME = new RegExp(`${CUE}\\s*(?:[-–—:：|@／/]|\\s(?:at|with|for)\\s)\\s*(.+)$`, 'iu');
const NAME_THEN_CUE = new RegExp(`^(.+?)\\s*(?:[-–—:：|]\\s*)?(?:${CUE})`, 'iu');
const LEGAL = /(?:公司|有限|股份|集团|集團|\b(?:inc|ltd|llc|limited|corp|corporation|co|gmbh|plc|pte|s\.?a)\b\.?)/iu;
const NOT_A_NAME = /(?:第.[轮輪]|[一二三四终終]面|线上|線上|线下|線下|^\d+$|\b(?:19|20)\d\d\b|^q[1-4]\b|\b(?:round|onsite|on-site|phone|screen|my|the|first|second|final|behaviou?ral|technical|hr|notes?|questions?|prep|i|we|had|was|went|got|did|an|day|week|mock|practice|general|common|coding|system|design|leetcode|star|stories|story|answers?|interviews?)\b)/iu;

/** An interview round: "onsite", "phone screen", "round 2", "一面", "终面", "笔试"… */
const ROUND =
  '(?:(?:final\\s+|technical\\s+|tech\\s+|behaviou?ral\\s+|hr\\s+|system\\s+design\\s+|coding\\s+|virtual\\s+|first\\s+|second\\s+|third\\s+|1st\\s+|2nd\\s+|3rd\\s+)?(?:on-?site|phone\\s+screen(?:ing)?|phone\\s+interview|phone\\s+call|screen(?:ing)?|recruiter\\s+(?:call|screen)|hiring\\s+manager(?:\\s+(?:call|interview|round))?|round(?:\\s+\\d+)?|loop|take-?home|interview)|round\\s+\\d+|hr|[一二三四五终終]面|hr面|技术面|技術面|笔试|筆試|电话面试|電話面試|电面|電面|现场面试|現場面試|第.[轮輪](?:面试|面試)?)';
const NAME_THEN_ROUND = new RegExp(`^(.+?)\\s*(?:[-–—:：|/,，]+\\s*|[(（]\\s*|\\s)(${ROUND}(?:\\s*(?:[-–—/,，&+]|and|\\s)\\s*${ROUND})*)\\s*[)）]?\\s*(?:notes?|write-?up|prep(?:aration)?|questions|记录|記錄|笔记|筆記|准备|準備|面经|面經|心得)?\\s*$`, 'iu');
const ROUND_THEN_NAME = new RegExp(`^(${ROUND})\\s*(?:[-–—:：|@]\\s*|\\s(?:at|with|@)\\s+)(.+)$`, 'iu');

/** The company an interview title names, or undefined. */
export function companyFromTitle(text: string): string | undefined {
  return titleParts(text).company;
}

/** The round a company title names ("Google — onsite" → "onsite"), as a tag. */
export function roundFromTitle(text: string): string | undefined {
  const round = titleParts(text).round;
  if (!round) return undefined;
  const tag = asTag(round);
  return tag === '' || tag === 'interview' ? undefined : tag;
}

function titleParts(text: string): { company?: string; round?: string } {
  const t = cleanTitle(text.replace(/^#+\s*/u, ''));
  // A title naming a company and a round is short; the patterns below are quadratic in a long one.
  if (t === '' || t.length > 120 || isQuestionForm(t)) return {};
  const explicit = COMPANY_LINE.exec(t);
  if (explicit) return { company: cleanCompany(explicit[1]!, true) };
  const roundAfter = NAME_THEN_ROUND.exec(t);
  const fromRound = roundAfter && cleanCompany(roundAfter[1]!, false);
  if (fromRound) return { company: fromRound, round: roundAfter[2]! };
  const roundBefore = ROUND_THEN_NAME.exec(t);
  const named = roundBefore && cleanCompany(roundBefore[2]!, false);
  if (named) return { company: named, round: roundBefore[1]! };
  const after = CUE_THEN_NAME.exec(t);
  const before = NAME_THEN_CUE.exec(t);
  const company = (after && cleanCompany(after[1]!, false)) || (before && cleanCompany(before[1]!, false)) || undefined;
  return company ? { company } : {};
}

/** Verbs of joining an employer, before its name: "join Google", "work at Stripe", "加入字节跳动". */
const JOINS = String.raw`(?:\b(?:join(?:ing)?|work(?:ing)?\s+(?:at|for)|apply(?:ing)?\s+(?:to|at|for)|(?:job|role|position|career)\s+at)\s+|加入|入职|入職|来到|來到)`;

/**
 * The company a bare title ("## Google", "# Acme prep" over questions) names, judged by the notes
 * it is in: a bare name reads like a topic ("## Python"), and "Why Google?" like "Why Python?", so
 * only a company the notes name (a `Company:` line, `company:` in the front matter) or a question
 * about joining it ("Why do you want to join Google?", "为什么想加入字节跳动") anywhere in the
 * same notes makes it a company. `noteLines` is the text of every line of the notes.
 */
export function employerNamedIn(noteLines: readonly string[], named: readonly string[] = []): (title: string) => string | undefined {
  const known = new Map([...named, ...noteLines.flatMap((l) => companyLine(l) ?? [])].map((name) => [name.toLowerCase(), name]));
  // What follows each verb of joining, read once: "Google?" in "Why do you want to join Google?".
  const joins = new RegExp(`${JOINS}(?=(.+))`, 'giu');
  const joined = noteLines.flatMap((l) => [...l.matchAll(joins)].map((m) => m[1]!.toLowerCase()));
  return (title) => {
    const same = known.get(titleTopic(title).toLowerCase());
    if (same) return same;
    if (joined.length === 0) return undefined;
    const name = cleanCompany(stripNumbering(cleanTitle(title.replace(/^#+\s*/u, ''))).replace(/[:：]$/u, ''), false);
    // "团队" in "为什么加入团队" is the team, an interview topic, not a company.
    if (!name || !isTopicForm(name) || isInterviewTopic(name)) return undefined;
    const lower = name.toLowerCase();
    return joined.some((rest) => rest.startsWith(lower) && !/^[\p{L}\p{N}]/u.test(rest.slice(lower.length))) ? name : undefined;
  };
}

/**
 * The company (and round, as a tag) that a line standing between questions names: a `Company: X`
 * line, or a short title such as "Meta — phone screen" or "字节跳动 二面"; undefined otherwise.
 */
export function companySwitch(text: string): { company: string; round?: string; explicit: boolean } | undefined {
  const explicit = companyLine(text);
  if (explicit) return { company: explicit, explicit: true };
  if (tagsLine(text) || text.split(/\s+/u).length > 8 || /[.。!！?？,，;；]$/u.test(text)) return undefined;
  const company = companyFromTitle(text);
  return company ? { company, round: roundFromTitle(text), explicit: false } : undefined;
}

/** A `Company: X` line (anywhere outside answers). */
export function companyLine(text: string): string | undefined {
  const m = COMPANY_LINE.exec(cleanTitle(text));
  return m ? cleanCompany(m[1]!, true) : undefined;
}

/** A `Tags: a, b` line. */
export function tagsLine(text: string): string[] | undefined {
  const m = TAGS_LINE.exec(cleanTitle(text));
  if (!m) return undefined;
  // "Tags: [a, b]" and "Tags: 'a', \"b\"" as people copy them from front matter.
  const tags = m[1]!
    .replace(/^\s*\[|\]\s*$/gu, '')
    .split(/[,，、;；\s]+/u)
    .map((t) => t.replace(/^["'#]+|["']+$/gu, '').trim())
    .filter((t) => t !== '')
    .map(normalizeTag);
  return tags.length > 0 ? [...new Set(tags)] : undefined;
}

function cleanCompany(value: string, explicit: boolean): string | undefined {
  let name = value
    .replace(/[【[(（「『][^】\])）」』]*[】\])）」』]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\-–—:：|,，.。]+|[\s\-–—:：|,，.。]+$/gu, '')
    .trim();
  const parts = name.split(' ');
  if (parts.length > 1 && LEGAL.test(name)) {
    // "Buyandship 香港商易購全球有限公司" → "Buyandship"; "Acme Corp Ltd" → "Acme".
    const firstLegal = parts.findIndex((p) => LEGAL.test(p));
    name = parts.slice(0, Math.max(1, firstLegal)).join(' ');
  }
  if (name === '' || [...name].length > 40) return undefined;
  if (!explicit && (NOT_A_NAME.test(name) || name.split(' ').length > 4)) return undefined;
  if (isQuestionForm(name)) return undefined;
  return name;
}

const GENERIC_SUFFIX = /\s*(?:questions?|interview\s+questions?|qs|问题|問題|题目|題目|面试题|面試題)\s*$/iu;

/** What a section title is about, without "questions", "notes", "prep" ("Acme prep" → "Acme"). */
function titleTopic(text: string): string {
  return stripNumbering(cleanTitle(text.replace(/^#+\s*/u, '')))
    .replace(/[:：]$/u, '')
    .replace(/\b(?:interview\s+)?questions?(?:\s+(?:to\s+prepare|asked|i\s+was\s+asked|they\s+asked))?\b/giu, '')
    .replace(/\b(?:interviews?|notes|flash\s?cards|cards|prep|preparation)\b|面试|面試|笔记|筆記|准备|準備/giu, '')
    .replace(GENERIC_SUFFIX, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The tag a section title over several questions gives them ("Behavioural questions" → "behavioural"). */
export function tagFromTitle(text: string): string | undefined {
  const t = titleTopic(text);
  if (t === '' || !isTopicForm(t) || isQuestionForm(t)) return undefined;
  // "They asked these:" is narrative, not a topic.
  if (/[问問]|\bask(?:ed|s)?\b/iu.test(t)) return undefined;
  if (t.split(/\s+/u).length > 4 || [...t].length > 24 || /[,，。;；、!！]/u.test(t)) return undefined;
  if ((t.match(/\p{Script=Han}/gu)?.length ?? 0) > 10) return undefined;
  const tag = asTag(t);
  return tag === '' ? undefined : tag;
}

/** A title phrase as a tag: normalised, runs of anything but letters, digits and '-' as one '-'. */
function asTag(text: string): string {
  return normalizeTag(text.replace(/\s+/gu, ' ').trim()).replace(/[^\p{L}\p{N}-]+/gu, '-').replace(/-{2,}/gu, '-').replace(/^-+|-+$/gu, '');
}
