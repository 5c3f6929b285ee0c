"""把自己摆进去: is the secretary speaking (我), or the team (我们, 党委 as subject), or the institution
(我市, 我县 …)?

Every 我 in the clean text is classified from the text itself (so it does not matter whether the
segmenter cut 我县 as one token or two): institutional when a 我X word from the lexicon starts there
(unless a look-alike such as 我部署 does), collective for 我们, not counted inside 自我 and the like,
personal otherwise. Collective subjects are found by the dependency parse when a parser is loaded,
otherwise by a heuristic on the start of each clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.analyzers.context import Context, is_heading_line
from pipeline.analyzers.sections import SectionsResult
from pipeline.findings import Finding

_CLAUSE = re.compile(r"[^，。；：！？,;:!?\n]+")
# What may precede an organisation word at the start of a clause: a time phrase, a unit's name.
_LEAD = r"(?:(?:今年以来|一年来|全年|同时|此外|对此|为此|近年来|20\d\d年)[，,]?)?(?:[\u4e00-\u9fffX×]{0,12}?)"
# What a subject does next: the organisation word followed by one of these is the clause's subject.
_SUBJECT_FOLLOW = (
    r"(?:始终|坚持|认真|高度|积极|先后|共|全年|带头|研究|召开|把|将|以|严格|深入|扎实|着力|不断|进一步|"
    r"主动|及时|组织|制定|建立|推动|强化|落实|成立|出台|印发|聚焦|围绕|紧扣|对|在|于|牢固|切实|全面|"
    r"立足|注重|坚决|专题|定期|每|多次|要|还|也|一班人|成员|[，,])"
)
# A team report keeps 我 rare: fewer than this many personal 我 per 1,000 characters, together with
# more collective subjects than personal ones, reads as a 班子汇报.
PERSONAL_PER_1000 = 3.5
# 把自己摆进去: a substantial text (or duty part) where the secretary almost never says 我 — fewer
# than ABSENT_PER_1000 personal 我 per 1,000 characters — while sentences without a subject or with
# the collective as subject cover at least ABSENT_SHARE of it, is told by the collective.
SUBSTANTIAL_CHARS = 400
ABSENT_PER_1000 = 0.8
ABSENT_SHARE = 0.3
# What may open a clause before its predicate without being its subject: numbering, sequence words,
# time phrases, connectives.
_OPENING = re.compile(
    r"^(?:\s|[（(〔【\[]?[一二三四五六七八九十\d]{1,3}[)）〕】\]、.．]|[一二三四五六七八九十]是|"
    r"第[一二三四五六七八九十]|首先|其次|再次|最后|同时|此外|另外|另一方面|一方面|"
    r"今年以来|一年来|全年|近年来|近年|年内|本年度|任职以来|履职以来|20[\dX×x]{2}年(?:以来|度)?|"
    r"[，,、：:])+"
)
# jieba dictionary tags that open a predicate: verbs, adverbs, prepositions, idioms, status words.
_PREDICATE_TAGS = ("v", "vn", "vd", "ad", "d", "p", "i", "l", "z")


@dataclass(frozen=True)
class FirstPersonResult:
    personal: int
    collective: int
    institutional: int
    personal_share: float
    team_report: bool
    method: str
    duty_personal: int | None
    headless: int = 0
    absent_share: float = 0.0
    reason: str | None = None
    findings: tuple[Finding, ...] = field(default=())
    evidence: tuple[Finding, ...] = field(default=())

    def to_json(self) -> dict:
        return {
            "personal": self.personal,
            "collective": self.collective,
            "institutional": self.institutional,
            "personal_share": round(self.personal_share, 4),
            "team_report": self.team_report,
            "headless": self.headless,
            "absent_share": round(self.absent_share, 4),
            "reason": self.reason,
            "evidence": [f.to_json() for f in self.evidence],
        }


def classify_wo(text: str, lex: dict[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """(start, end, kind) for every 我: kind is personal, collective, institutional or none."""
    institutional = sorted(lex["institutional"], key=len, reverse=True)
    lookalike = lex["lookalike"]
    not_personal = [(w, w.index("我")) for w in lex["not_personal"]]
    out = []
    for m in re.finditer("我", text):
        i = m.start()
        if any(i >= k and text.startswith(w, i - k) for w, k in not_personal):
            out.append((i, i + 1, "none"))
        elif text.startswith("我们", i):
            out.append((i, i + 2, "collective"))
        elif any(text.startswith(w, i) for w in lookalike):
            out.append((i, i + 1, "personal"))
        else:
            word = next((w for w in institutional if text.startswith(w, i)), None)
            out.append((i, i + len(word), "institutional") if word else (i, i + 1, "personal"))
    return out


def collective_subjects_heuristic(text: str, lex: dict[str, tuple[str, ...]]) -> list[tuple[int, int]]:
    """Clauses whose subject is an organisation or the team: the start of the clause names it."""
    orgs = "|".join(sorted(map(re.escape, lex["collective_subject"]), key=len, reverse=True))
    words = "|".join(sorted(map(re.escape, lex["collective_word"]), key=len, reverse=True))
    org_subject = re.compile(
        rf"^{_LEAD}(?:{orgs})(?!书记|副书记|委员|办公室|组织部|工作|建设|会议纪要|的){_SUBJECT_FOLLOW}"
    )
    team_word = re.compile(rf"^{_LEAD}(?:{words})")
    spans = []
    for m in _CLAUSE.finditer(text):
        raw = m.group(0)
        clause = raw.strip()
        offset = m.start() + (len(raw) - len(raw.lstrip()))
        if team_word.match(clause) or org_subject.match(clause):
            spans.append((offset, offset + len(clause)))
    return spans


@lru_cache(maxsize=1)
def _word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (no tagging pass: a lookup per clause-opening token)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def _tag(word: str, tags: dict[str, str]) -> str:
    """The dictionary tag of a word, else of its first character (unknown verbs like 抓实 → 抓)."""
    return tags.get(word) or tags.get(word[:1], "")


def is_headless(sentence: str, tokens: list[str] | None = None) -> bool:
    """A sentence with no subject: once numbering, time phrases and connectives are set aside it
    opens with a predicate (a verb, an adverb, a preposition or an idiom), as in 切实扛起主体责任…

    Works on the segmenter's tokens and jieba's dictionary tags, so no parser is needed.
    """
    stripped = sentence.strip()
    if len(stripped) < 8 or is_heading_line(stripped):
        return False
    rest = stripped[_OPENING.match(stripped).end() if _OPENING.match(stripped) else 0 :]
    if not rest:
        return False
    if tokens is None:
        from pipeline.nlp import jieba_words

        tokens = jieba_words(rest)
    else:
        skip = len(stripped) - len(rest) + (len(sentence) - len(sentence.lstrip()))
        pos, toks = 0, []
        for t in tokens:
            if pos >= skip and t.strip():
                toks.append(t)
            pos += len(t)
        tokens = toks or [rest]
    first = tokens[0]
    if first.startswith("我") or first in ("本人", "笔者"):
        return False
    return _tag(first, _word_tags()).startswith(_PREDICATE_TAGS)


def collective_subjects_parse(ctx: Context, lex: dict[str, tuple[str, ...]]) -> list[tuple[int, int]]:
    """Subjects in the dependency parse that are the team or an organisation."""
    team = set(lex["collective_word"]) | set(lex["collective_subject"]) | {"我们"}
    spans = []
    for start, end, _dep in ctx.parsed.subjects or ():
        word = ctx.text[start:end]
        if word.startswith("我") and word != "我们":
            continue  # 我局 and the like are institutional, counted by the 我 scan
        if word in team or any(word.endswith(w) for w in lex["collective_subject"]):
            spans.append((start, end))
    return spans


def analyze(ctx: Context, sections: SectionsResult) -> FirstPersonResult:
    lex = ctx.res.first_person
    text = ctx.text
    wo = classify_wo(text, lex)
    personal_spans = [(s, e) for s, e, k in wo if k == "personal"]
    institutional = sum(1 for *_, k in wo if k == "institutional")
    we = [(s, e) for s, e, k in wo if k == "collective"]

    if ctx.parsed.has_parse:
        method = "parse"
        org_spans = collective_subjects_parse(ctx, lex)
    else:
        method = "clause-start heuristic"
        org_spans = collective_subjects_heuristic(text, lex)
    # 我们 counts once, whether or not it also starts a clause.
    org_only = [sp for sp in org_spans if "我们" not in text[sp[0] : min(sp[1], sp[0] + 14)]]
    collective = len(we) + len(org_only)
    personal = len(personal_spans)

    starts = sorted(a for a, _ in personal_spans)  # bisected per sentence: linear in the text
    sentence_chars = sum(
        s.end - s.start
        for s in ctx.sentences
        if bisect.bisect_left(starts, s.start) < bisect.bisect_left(starts, s.end)
    )
    share = sentence_chars / len(text) if text else 0.0

    duty = sections.parts["duty"]
    duty_personal = None
    if duty.present and sections.method.startswith("headings") and duty.start is not None:
        duty_personal = sum(1 for a, _ in personal_spans if duty.start <= a < (duty.end or 0))
    rate = personal * 1000 / max(len(text), 1)
    team = (duty_personal == 0 and collective > 0) or (rate < PERSONAL_PER_1000 and collective > personal)

    # Sentences that leave the secretary out: no personal 我, and the collective or nobody as subject.
    collective_starts = sorted(a for a, _ in we + org_only)
    absent: list[tuple[int, int, str]] = []
    for sent in ctx.sentences:
        if bisect.bisect_left(starts, sent.start) < bisect.bisect_left(starts, sent.end):
            continue
        if bisect.bisect_left(collective_starts, sent.start) < bisect.bisect_left(
            collective_starts, sent.end
        ):
            absent.append((sent.start, sent.end, "collective"))
        elif is_headless(ctx.sentence_text(sent), ctx.tokens_of(sent)):
            absent.append((sent.start, sent.end, "headless"))
    headless = sum(1 for *_, k in absent if k == "headless")
    absent_share = sum(b - a for a, b, _ in absent) / len(text) if text else 0.0
    reason: str | None = None
    if team:
        if duty_personal == 0:
            reason = "履职部分没有一处“我”，由集体讲述：像班子汇报"
        else:
            reason = f"“我”{personal}处，集体主语{collective}处：像班子汇报"
    elif len(text) >= SUBSTANTIAL_CHARS and rate < ABSENT_PER_1000 and absent_share >= ABSENT_SHARE:
        team = True
        reason = (
            f"全文{len(text)}字，本人“我”{personal}处；无主语句{headless}句、集体主语句"
            f"{len(absent) - headless}句，占全文{absent_share:.0%}：没有把自己摆进去，像班子汇报"
        )
    elif duty_personal == 0 and duty.end is not None and duty.start is not None:
        duty_absent = [(a, b) for a, b, _ in absent if duty.start <= a < duty.end]
        duty_chars = duty.end - duty.start
        duty_share = sum(b - a for a, b in duty_absent) / max(duty_chars, 1)
        if duty_chars >= SUBSTANTIAL_CHARS and duty_share >= ABSENT_SHARE:
            team = True
            reason = (
                f"履职部分{duty_chars}字没有一处“我”；无主语或集体主语的句子{len(duty_absent)}句，"
                f"占该部分{duty_share:.0%}：像班子汇报"
            )

    findings: list[Finding] = [
        Finding(s, e, "first_person", "personal", "书记本人（第一人称）", "info") for s, e in personal_spans
    ]
    findings += [
        Finding(s, e, "first_person", "institutional", f"“{text[s:e]}”指单位，不是本人", "info")
        for s, e, k in wo
        if k == "institutional"
    ]
    collective_spans = sorted(we + org_only)
    findings += [
        Finding(s, e, "first_person", "collective", "集体口吻（我们/班子/党委作主语）", "info")
        for s, e in collective_spans
    ]

    findings += [
        Finding(a, b, "first_person", "headless", "无主语句：没有“我”，也没有集体主语", "info")
        for a, b, k in absent
        if k == "headless"
    ]

    evidence: list[Finding] = []
    if team and reason:
        for s, e in collective_spans[:6]:
            sent = next((x for x in ctx.sentences if x.start <= s < x.end), None)
            a, b = (sent.start, sent.end) if sent else (s, e)
            evidence.append(Finding(a, b, "first_person", "team_voice", reason, "flag"))
        for a, b, k in absent:
            if k == "headless" and len(evidence) < 8:
                evidence.append(Finding(a, b, "first_person", "team_voice", reason, "flag"))
        if not evidence:
            evidence.append(Finding(0, 0, "first_person", "team_voice", reason, "flag"))
    else:
        for s, _ in personal_spans[:3]:
            sent = next((x for x in ctx.sentences if x.start <= s < x.end), None)
            if sent:
                evidence.append(
                    Finding(sent.start, sent.end, "first_person", "personal_voice", "书记本人讲述", "info")
                )
    return FirstPersonResult(
        personal=personal,
        collective=collective,
        institutional=institutional,
        personal_share=share,
        team_report=team,
        method=method,
        duty_personal=duty_personal,
        headless=headless,
        absent_share=absent_share,
        reason=reason,
        findings=tuple(findings),
        evidence=tuple(dict.fromkeys(evidence)),
    )
