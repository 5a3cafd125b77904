// Synthetic decks for the benchmark: answer files of 1–3 KB in mixed English and Chinese, with
// front matter, key points and short/full versions, spread over a few folders. Deterministic
// (seeded), so every run parses the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Small fast PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EN = (
  'I led the migration of our order service to an event driven design while keeping the old API alive ' +
  'so that customers never noticed the switch and we cut latency by forty percent in three months ' +
  'the team was small so I wrote the plan reviewed every change and paired with the newest engineer ' +
  'we measured everything before and after and shared a weekly note with the product manager ' +
  'when the deadline moved I negotiated scope instead of cutting tests and we shipped on time ' +
  'the hardest part was the data backfill which we ran in batches with checkpoints and alarms'
).split(' ');
const ZH = '我负责把订单服务迁移到事件驱动架构同时保持旧接口可用客户没有感觉到切换延迟降低了百分之四十团队很小所以我写了计划审查每一个改动并且和新同事结对编程我们在上线前后都做了测量每周和产品经理同步进度当截止日期提前时我选择缩减范围而不是减少测试最终按时上线';
const TAGS = ['behavioural', 'technical', 'motivation', 'system-design', 'leadership', 'conflict', 'career', 'hr', 'coding', 'culture'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
const QUESTIONS = [
  'Tell me about a time you disagreed with your manager',
  'How would you design a rate limiter',
  'Why do you want to work here',
  'Describe a project you are proud of',
  'How do you handle a production incident',
  '你最大的缺点是什么',
  '介绍一下你做过最难的技术问题',
  'What would you do in your first 90 days',
];

function words(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(EN[Math.floor(r() * EN.length)]);
  return out.join(' ');
}
function hanzi(r, n) {
  const start = Math.floor(r() * (ZH.length - n));
  return ZH.slice(Math.max(0, start), Math.max(0, start) + n);
}
function sentence(r) {
  return r() < 0.35 ? `${hanzi(r, 20 + Math.floor(r() * 40))}。` : `${capital(words(r, 10 + Math.floor(r() * 14)))}.`;
}
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
function paragraph(r, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r));
  return out.join(' ');
}

/** One answer file's text, about `targetBytes` long (UTF-8). */
export function answerFile(r, n, targetBytes) {
  const tags = [TAGS[n % TAGS.length], TAGS[Math.floor(r() * TAGS.length)]].filter((t, i, a) => a.indexOf(t) === i);
  const question = `${QUESTIONS[n % QUESTIONS.length]} (#${n})?`;
  const lines = ['---', `question: "${question}"`, `tags: [${tags.join(', ')}]`];
  if (n % 4 === 0) lines.push(`company: ${COMPANIES[n % COMPANIES.length]}`);
  if (n % 3 === 0) lines.push(`time: ${60 + (n % 5) * 30}s`);
  lines.push('---', '');
  const zhHeadings = n % 2 === 1;
  lines.push(zhHeadings ? '## 要点' : '## Key points', '');
  const points = 3 + (n % 3);
  for (let i = 0; i < points; i++) lines.push(`- ${r() < 0.4 ? hanzi(r, 8 + Math.floor(r() * 8)) : capital(words(r, 4 + Math.floor(r() * 5)))}`);
  lines.push('', zhHeadings ? '## 删减版' : '## Short version', '', paragraph(r, 3), '', zhHeadings ? '## 完整版' : '## Full version', '');
  let text = lines.join('\n');
  const steps = ['### Situation', '### Task', '### Actions', '### Results'];
  let step = 0;
  while (Buffer.byteLength(text) < targetBytes - 200) {
    if (step < steps.length && r() < 0.5) text += `${steps[step++]}\n\n`;
    text += `${paragraph(r, 2 + Math.floor(r() * 3)).replace(/\b(latency|deadline|tests|plan)\b/, '**$1**')}\n\n`;
  }
  return `${text.trimEnd()}\n`;
}

/** Writes `count` answer files (1–3 KB) under `dir`/answers in 20 folders; returns the deck folder, total bytes and card ids. */
export function generateDeck(dir, count, seed = 7) {
  const deckDir = path.join(dir, 'answers');
  const r = rng(seed);
  let bytes = 0;
  const ids = [];
  const folders = Math.min(20, Math.max(1, Math.ceil(count / 50)));
  for (let f = 0; f < folders; f++) mkdirSync(path.join(deckDir, `topic-${String(f).padStart(2, '0')}`), { recursive: true });
  for (let n = 0; n < count; n++) {
    const text = answerFile(r, n, 1024 + Math.floor(r() * 2048));
    bytes += Buffer.byteLength(text);
    const rel = `topic-${String(n % folders).padStart(2, '0')}/answer-${String(n).padStart(5, '0')}`;
    writeFileSync(path.join(deckDir, `${rel}.md`), text);
    ids.push(rel);
  }
  return { deckDir, bytes, ids };
}
