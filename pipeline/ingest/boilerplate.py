"""Line-level boilerplate decisions, each with a reason.

Patterns come from lexicons/boilerplate.txt (one group per reason); the rules here add what a single
line cannot tell: a disclaimer header owns the numbered items under it, a recommended-reading list is
a run of headline + timestamp pairs, the furniture after an article's end marker is chrome, a title
split into one keyword per line, a duplicated title. Every removed line gets exactly one reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicons import compile_patterns, read_groups
from pipeline.settings import Settings
from pipeline.text import ends_sentence, is_heading, is_list_item, looks_like_title

# Groups that steer rules rather than remove lines on their own.
STRUCTURAL = {"disclaimer_item", "timestamp", "zone_start", "comments_start"}
_SYMBOLS_ONLY = re.compile(r"^[|/\\•·●▪>»<«\-—_=~*#＞|｜\s]+$")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[，。、；：？！,.;:?!“”\"'（）()《》]")
_INLINE_WATERMARK = re.compile(
    r"\s*(?P<site>[\u4e00-\u9fff]{2,10})\s*(?:https?://)?(?P<domain>www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/?\s*"
)


@dataclass(frozen=True)
class Rules:
    """Compiled patterns per reason, in file order."""

    removal: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    removal_any: tuple[re.Pattern[str], ...]  # one alternation per removal group, same order
    # Every removal pattern in one alternation, bucketed by the longest line each pattern can match:
    # most lines match none, and long body lines are only tried against the few unbounded patterns.
    any_removal: tuple[tuple[int, re.Pattern[str]], ...]
    any_zone: re.Pattern[str]
    any_comments: re.Pattern[str]
    any_timestamp: re.Pattern[str]
    disclaimer_item: tuple[re.Pattern[str], ...]
    timestamp: tuple[re.Pattern[str], ...]
    zone_start: tuple[re.Pattern[str], ...]
    comments_start: tuple[re.Pattern[str], ...]


def load_rules(settings: Settings) -> Rules:
    return _load_rules(settings.lexicon_dir, settings.extra_lexicon_dirs)


@lru_cache(maxsize=8)
def _load_rules(lexicon_dir: str, extra: tuple[str, ...]) -> Rules:
    groups = read_groups("boilerplate.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    compiled = {g: tuple(compile_patterns("boilerplate.txt", g, p)) for g, p in groups.items()}
    for needed in STRUCTURAL:
        if needed not in compiled:
            from pipeline.errors import LexiconError

            raise LexiconError(f"boilerplate.txt: structural group [{needed}] is missing")
    removal = tuple((g, p) for g, p in compiled.items() if g not in STRUCTURAL)
    return Rules(
        removal=removal,
        removal_any=tuple(_alternation(ps) for _, ps in removal),
        any_removal=_length_buckets([p for _, ps in removal for p in ps]),
        any_zone=_alternation(compiled["zone_start"]),
        any_comments=_alternation(compiled["comments_start"]),
        any_timestamp=_alternation(compiled["timestamp"]),
        disclaimer_item=compiled["disclaimer_item"],
        timestamp=compiled["timestamp"],
        zone_start=compiled["zone_start"],
        comments_start=compiled["comments_start"],
    )


_BUCKETS = (20, 40, 60, 90, 130, 200, 10**9)


def _alternation(patterns: tuple[re.Pattern[str], ...] | list[re.Pattern[str]]) -> re.Pattern[str]:
    unnamed = [re.sub(r"\(\?P<\w+>", "(?:", p.pattern) for p in patterns]
    return re.compile("|".join(f"(?:{p})" for p in unnamed) or "(?!)")


def _length_buckets(patterns: list[re.Pattern[str]]) -> tuple[tuple[int, re.Pattern[str]], ...]:
    """(upper length, alternation of the patterns that can match a line longer than the bucket below)."""
    import re._parser as sre_parse  # the stdlib's own parser knows each pattern's widest match

    widths = [sre_parse.parse(p.pattern).getwidth()[1] for p in patterns]
    buckets = []
    lower = 0
    for upper in _BUCKETS:
        buckets.append((upper, _alternation([p for p, w in zip(patterns, widths, strict=True) if w > lower])))
        lower = upper
    return tuple(buckets)


def _any_removal(rules: Rules, line: str) -> bool:
    n = len(line)
    for upper, pattern in rules.any_removal:
        if n <= upper:
            return pattern.fullmatch(line) is not None
    return False


def _full(patterns: tuple[re.Pattern[str], ...], line: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.fullmatch(line)
        if m:
            return m
    return None


def strip_inline_watermark(line: str) -> tuple[str, str | None]:
    """Remove a site name + domain embedded inside a content line; return the line and the hint."""
    if "www" not in line:
        return line, None
    m = _INLINE_WATERMARK.search(line)
    if not m or m.start() == 0 and m.end() == len(line):
        return line, None
    rest = (line[: m.start()] + line[m.end() :]).strip()
    if len(rest) < 12:  # a slogan beside the domain: the whole line is a watermark, not content
        return line, None
    return rest, f"{m['site']} {m['domain']}"


def classify(
    lines: list[str], rules: Rules, raw: list[str] | None = None
) -> tuple[list[str | None], list[str]]:
    """A removal reason (or None to keep) for each normalised line, and the source hints found.

    ``raw`` are the same lines before repairs: their spacing shows field layouts that normalisation
    removes (``格式：DOCX   页数：6   大小：31.5KB``).
    """
    n = len(lines)
    reasons: list[str | None] = [None] * n
    hints: list[str] = []
    nonblank = [i for i, s in enumerate(lines) if s]

    for i in nonblank:
        line = lines[i]
        if _SYMBOLS_ONLY.match(line):
            reasons[i] = "symbols"
            continue
        if not _any_removal(rules, line):
            continue
        for (reason, patterns), group in zip(rules.removal, rules.removal_any, strict=True):
            if not group.fullmatch(line):
                continue
            m = _full(patterns, line)
            if m:
                reasons[i] = reason
                if reason == "watermark":
                    found = m.groupdict()
                    hints.append(" ".join(v for v in (found.get("site"), found.get("domain")) if v))
                break

    if raw is not None:
        _field_rows(lines, raw, nonblank, reasons)
    _portal_metadata_block(lines, nonblank, reasons)
    _disclaimer_blocks(lines, nonblank, reasons, rules, hints)
    _recommended_lists(lines, nonblank, reasons, rules)
    _related_blocks(lines, nonblank, reasons)
    _comments(lines, nonblank, reasons, rules)
    _trailing_zone(lines, nonblank, reasons, rules)
    _forum_thread(lines, nonblank, reasons)
    _running_headers(lines, nonblank, reasons)
    _table_of_contents(lines, nonblank, reasons)
    _split_title(lines, nonblank, reasons)
    _page_head(lines, nonblank, reasons)
    _duplicate_title(lines, nonblank, reasons)
    return reasons, hints


_GAP = re.compile(r"[ \u3000\xa0]{2,}|\s[|｜]\s")
_COLON = re.compile(r"[:：]")
_KEY_VALUE = re.compile(r"^(?:文号|名称|标题|发文字号|分类|主题词)[:：].{1,80}$")


def _field_rows(lines: list[str], raw: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """A row of ``key：value`` fields laid out with wide gaps is a file card or an article's meta bar."""
    for i in nonblank:
        if reasons[i] is None and len(lines[i]) <= 120:
            source = raw[i].strip() if i < len(raw) else ""
            if "\t" not in source and len(_GAP.findall(source)) >= 2 and len(_COLON.findall(source)) >= 2:
                reasons[i] = "metadata_fields"


def _portal_metadata_block(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """文号/名称 lines belong to a portal's metadata table when they sit next to one of its rows."""
    for k, i in enumerate(nonblank):
        if reasons[i] is None and _KEY_VALUE.match(lines[i]):
            near = [nonblank[j] for j in (k - 1, k + 1) if 0 <= j < len(nonblank)]
            if any(reasons[j] in {"portal_metadata", "metadata_fields"} for j in near):
                reasons[i] = "portal_metadata"


def _comments(lines: list[str], nonblank: list[int], reasons: list[str | None], rules: Rules) -> None:
    """Readers' comments under an article: everything after the comment header goes."""
    for k, i in enumerate(nonblank):
        if rules.any_comments.fullmatch(lines[i]):
            for j in nonblank[k:]:
                if reasons[j] is None:
                    reasons[j] = "comments"
            return


def _table_of_contents(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """Lines under a 目录 header that recur later in the text are a table of contents."""
    for k, i in enumerate(nonblank):
        if lines[i] != "目录":
            continue
        later = {lines[j] for j in nonblank[k + 1 :]}
        for j in nonblank[k + 1 :]:
            line = lines[j]
            if reasons[j] is None and len(line) <= 40 and sum(1 for m in nonblank if lines[m] == line) >= 2:
                reasons[j] = "table_of_contents"
            elif line not in later or reasons[j] is None:
                break
        return


def _page_head(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """Short lines above the document's title are the page's masthead, not the report.

    The title is a kept line that looks like one (…述职报告) before the first body line (a heading or
    a long sentence). Without one nothing is dropped here. Long sentences above it stay, and so does
    the line just above it when the two make one title set on two lines.
    """
    kept = [i for i in nonblank if reasons[i] is None]
    start = None
    for n, i in enumerate(kept):
        line = lines[i]
        if looks_like_title(line):
            start = n
            break
        if is_heading(line) or (len(line) >= 30 and ends_sentence(line)):
            return
    if not start:
        return
    first_half = kept[start - 1]
    two_line_title = (
        len(lines[first_half]) <= 24
        and not ends_sentence(lines[first_half])
        and not _PUNCT.search(lines[first_half])
    )
    for i in kept[: start - 1 if two_line_title else start]:
        if len(lines[i]) <= 40 or not ends_sentence(lines[i]):
            reasons[i] = "page_head"


def _disclaimer_blocks(
    lines: list[str], nonblank: list[int], reasons: list[str | None], rules: Rules, hints: list[str]
) -> None:
    """A disclaimer header owns the items under it that speak of the site, its files or its rights."""
    for k, i in enumerate(nonblank):
        if reasons[i] != "disclaimer":
            continue
        if "download-site disclaimer" not in hints:
            hints.append("download-site disclaimer")
        for j in nonblank[k + 1 :]:
            if reasons[j] not in (None, "disclaimer"):
                continue
            line = lines[j]
            if any(p.search(line) for p in rules.disclaimer_item) and len(line) <= 160:
                reasons[j] = "disclaimer"
            else:
                break


def _recommended_lists(
    lines: list[str], nonblank: list[int], reasons: list[str | None], rules: Rules
) -> None:
    """Headline + timestamp pairs: the list of other articles under a web page."""
    stamps = [i for i in nonblank if rules.any_timestamp.fullmatch(lines[i])]
    for i in stamps:
        reasons[i] = "recommended_list" if len(stamps) >= 2 else "timestamp"
    if len(stamps) < 2:
        return
    position = {i: k for k, i in enumerate(nonblank)}
    for i in stamps:
        k = position[i]
        if k == 0:
            continue
        prev = nonblank[k - 1]
        if prev == i - 1 and reasons[prev] is None and not is_heading(lines[prev]):
            reasons[prev] = "recommended_list"


_HEADLINE_MAX = 45


def _headline(line: str, below_body: bool) -> bool:
    """A related article's link text: short, no sentence end, not a heading or a list item. Above the
    report's body a title-like line (…通知, …述职报告) ends the run: it may be the report's own title."""
    return (
        len(line) <= _HEADLINE_MAX
        and not line.endswith(("。", "！", "？", "：", ":", "；"))
        and not is_heading(line)
        and not is_list_item(line)
        and (below_body or not looks_like_title(line))
    )


def _related_blocks(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """The headlines under a 相关文章/推荐阅读 header, wherever the site put the block (a side list
    above the article as well as one below it): the run stops at the first line that is not a
    headline, so the report's title or first sentence ends it."""
    body_seen = False
    for k, i in enumerate(nonblank):
        if reasons[i] is None and len(lines[i]) >= 30 and ends_sentence(lines[i]):
            body_seen = True
        if reasons[i] != "recommended":
            continue
        for j in nonblank[k + 1 :]:
            if reasons[j] is not None:
                if reasons[j] in {"recommended", "recommended_list", "timestamp", "trailing_chrome"}:
                    continue
                break
            if not _headline(lines[j].lstrip("·•●▪◆■-— "), body_seen):
                break
            reasons[j] = "recommended_list"


def _trailing_zone(lines: list[str], nonblank: list[int], reasons: list[str | None], rules: Rules) -> None:
    """After an end-of-article marker past the middle of the text, the page's furniture follows.

    Short lines without a sentence end, bullets and dated headlines are chrome; under a
    recommended-reading header, headlines (up to 45 characters) are too.
    """
    # The marker must come after most of the remaining text, so a byline at the top never opens a zone.
    marker = {i for i in nonblank if len(lines[i]) <= 80 and rules.any_zone.fullmatch(lines[i])}
    if not marker:
        return
    total = sum(len(lines[i]) for i in nonblank if reasons[i] is None or i in marker)
    seen = 0
    start = None
    for k, i in enumerate(nonblank):
        if reasons[i] is None:
            seen += len(lines[i])
        if seen >= total / 2 and i in marker:
            start = k
            break
    if start is None:
        return
    listing = False
    for i in nonblank[start:]:
        if reasons[i] == "recommended":
            listing = True
        if reasons[i] is not None:
            continue
        line = lines[i]
        bullet = line[:1] in "•·●▪◆■"
        dated = _DATED_HEADLINE.search(line) is not None
        if not bullet and not dated and len(line) >= 8 and line.endswith("。"):
            return  # a sentence: the report goes on after a block the site put in its middle
        if bullet or dated or (len(line) <= 25 and not ends_sentence(line) and not is_heading(line)):
            reasons[i] = "trailing_chrome"
        elif listing and len(line) <= 45 and not is_heading(line):
            reasons[i] = "recommended_list"  # a headline under 往期推荐/相关文章


_DATED_HEADLINE = re.compile(r"(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:\s*\d+页)?|\d{1,2}-\d{1,2}\s*[\d.]+万?阅读)$")
_POST_HEADER = re.compile(r"(?:发表于|只看该作者)")
_FLOOR = {"楼主", "沙发", "板凳", "地板"}


def _forum_thread(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """In a forum thread the first post is the text; replies after the second post header are not."""
    headers = [k for k, i in enumerate(nonblank) if _POST_HEADER.search(lines[i]) and len(lines[i]) <= 60]
    for k, i in enumerate(nonblank):
        line = lines[i]
        nxt = lines[nonblank[k + 1]] if k + 1 < len(nonblank) else ""
        poster = (nxt in _FLOOR or k + 1 in headers) and len(line) <= 12 and not _PUNCT.search(line)
        if poster and reasons[i] is None:
            reasons[i] = "forum"  # the poster's name above a floor label or a post header
    if len(headers) >= 2:
        for i in nonblank[headers[1] :]:
            if reasons[i] is None:
                reasons[i] = "forum_reply"


def _running_headers(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """Short lines repeated on every page: three times anywhere, or twice next to a page footer."""
    positions: dict[str, list[int]] = {}
    for k, i in enumerate(nonblank):
        line = lines[i]
        if len(line) <= 40 and not ends_sentence(line) and not is_heading(line):
            positions.setdefault(line, []).append(k)
    paged = {"page_footer", "pdf_page_furniture"}
    for ks in positions.values():
        if len(ks) < 2:
            continue
        near_footer = any(
            reasons[nonblank[j]] in paged
            for k in ks
            for j in (k - 2, k - 1, k + 1, k + 2)
            if 0 <= j < len(nonblank)
        )
        if len(ks) >= 3 or near_footer:
            for k in ks:
                if k >= 3 and reasons[nonblank[k]] is None:  # a title at the very top stays
                    reasons[nonblank[k]] = "running_header"
    # Once is enough when the page break cuts a sentence: the line before the footer block stops
    # mid-sentence, so a short line beside the footer is the page's header, not a line of text.
    for k, i in enumerate(nonblank):
        if reasons[i] not in paged:
            continue
        for c in (k - 1, k + 1):
            if not 1 <= c < len(nonblank) or reasons[nonblank[c]] is not None:
                continue
            line = lines[nonblank[c]]
            if len(line) > 30 or ends_sentence(line) or is_heading(line) or is_list_item(line):
                continue
            before = nonblank[min(c, k) - 1]
            if reasons[before] is None and len(lines[before]) >= 20 and not ends_sentence(lines[before]):
                reasons[nonblank[c]] = "running_header"


def _split_title(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """A title broken into one keyword per line at the very top (download sites do this for search engines).

    Only a run that opens the kept text counts: short lines after the title are content (and the
    decision must not change when the text is cleaned again).
    """
    run: list[int] = []
    for i in (i for i in nonblank if reasons[i] is None):
        line = lines[i]
        if len(line) <= 6 and not _PUNCT.search(line) and not is_heading(line) and not is_list_item(line):
            run.append(i)
        else:
            break
    if len(run) >= 3:
        for j in run:
            reasons[j] = "split_title"


def _duplicate_title(lines: list[str], nonblank: list[int], reasons: list[str | None]) -> None:
    """The title repeated (page title then article title, or a title on every page)."""
    kept = [i for i in nonblank if reasons[i] is None]
    if not kept:
        return
    title = lines[kept[0]]
    if len(title) > 80 or len(_HAN_RE.findall(title)) < 4 or ends_sentence(title) or is_heading(title):
        return
    for i in kept[1:]:
        if lines[i] == title:
            reasons[i] = "duplicate_title"
