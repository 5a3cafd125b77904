/** Which headings name a section of an answer, in English and Chinese (simplified and traditional). */
import type { SectionName } from '../core/card.js';

const NAMES: Record<SectionName, readonly string[]> = {
  keyPoints: ['key points', 'key point', 'keypoints', 'key ideas', 'main points', 'talking points', 'bullet points', '要点', '要點', '关键点', '關鍵點', '重点', '重點', '关键词', '關鍵詞'],
  short: ['short', 'short version', 'short answer', 'shortened version', 'shorter version', 'brief', 'brief version', 'concise version', 'elevator pitch', 'tldr', 'tl dr', '删减版', '刪減版', '精简版', '精簡版', '简短版', '簡短版', '短版', '简版', '簡版', '简洁版', '簡潔版'],
  full: ['full', 'full version', 'full answer', 'long version', 'long answer', 'detailed version', 'detailed answer', 'complete version', '完整版', '详细版', '詳細版', '完整回答', '长版', '長版'],
  answer: ['answer', 'my answer', 'sample answer', 'response', '回答', '答案', '我的回答', '參考回答', '参考回答'],
  notes: ['notes', 'note', 'approach', 'how to answer', 'how to approach', 'tips', 'strategy', 'thinking', '回答思路', '答题思路', '答題思路', '思路', '笔记', '筆記', '备注', '備註', '注意', '提示'],
  followUps: ['follow up', 'follow ups', 'followup', 'followups', 'follow up questions', 'followup questions', 'possible follow ups', 'likely follow ups', '追问', '追問', '可能的追问', '可能的追問', '延伸问题', '延伸問題', '后续问题', '後續問題'],
};

const ASCII = /^[\x00-\x7f]*$/;
const LOOKUP = new Map<string, SectionName>();
for (const [section, names] of Object.entries(NAMES) as [SectionName, readonly string[]][]) {
  for (const name of names) LOOKUP.set(name, section);
}

/** "## Short version:" → 'short'; "# 完整版" → 'full'; "## Situation" → undefined. */
export function sectionForHeading(text: string): SectionName | undefined {
  // ASCII text is its own NFKC form, and most headings are ASCII: the Unicode normalizer is skipped for them.
  const key = (ASCII.test(text) ? text : text.normalize('NFKC'))
    .toLowerCase()
    .replace(/^[\s\d.)、#*-]+/u, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return LOOKUP.get(key);
}

export const SECTION_HEADINGS = NAMES;
