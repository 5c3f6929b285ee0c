"""Small shared facts about Chinese official text: headings, list items, sentence ends."""

from __future__ import annotations

import re

CN_NUM = "一二三四五六七八九十百零〇两"
# Headings in their common forms: 一、 / （一） / 第一部分 / 一是 / 1. / ① / Roman-less numbering.
HEADING = re.compile(
    rf"^(?:第[{CN_NUM}\d]+(?:部分|章|节|条|篇|项)"
    rf"|[{CN_NUM}]{{1,3}}\s*[、.．：:]"
    rf"|[（(][{CN_NUM}]{{1,3}}[)）]"
    rf"|[{CN_NUM}]{{1,3}}是"
    rf"|[{CN_NUM}]{{1,3}}要"
    rf"|第[{CN_NUM}]{{1,3}}[，,、]"
    r")"
)
LIST_ITEM = re.compile(
    r"^(?:\d{1,3}\s*[、.．](?!\d)|[（(]\d{1,3}[)）]|\d{1,3}[)）]|[①-⑳]|[-•·●▪◆■□√*]\s*|[a-zA-Z][、.．)）])"
)
# Characters that end a sentence (or a lead-in line) so the next line starts a new one.
SENTENCE_END = set("。！？；!?;…：:")
CLOSERS = set("”’」』）)》】")


def is_heading(line: str) -> bool:
    """A numbered heading or a 一是/二要 style lead."""
    return HEADING.match(line) is not None


def is_list_item(line: str) -> bool:
    """A numbered or bulleted list item, or a table row (cells joined by TAB)."""
    return LIST_ITEM.match(line) is not None or "\t" in line


def ends_sentence(line: str) -> bool:
    """Whether a line ends a sentence (or a lead-in such as ``如下：`` or a dash lead-in)."""
    s = line.rstrip()
    if not s:
        return True
    if s.endswith(("——", "──", "--", "—", "─")):
        return True
    last = s[-1]
    if last in SENTENCE_END:
        return True
    if last in CLOSERS:
        inner = s.rstrip("".join(CLOSERS))
        return bool(inner) and inner[-1] in SENTENCE_END
    return False


# A line ending like a document title (…述职报告, …实施方案) is a title, never half a sentence.
TITLE_END = re.compile(
    r"(?:报告|总结|方案|讲话|发言|材料|通知|意见|纪要|计划|汇报|发言稿|讲话稿|述职|心得体会)(?:[（(][^（）()]{1,8}[)）])?$"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def looks_like_title(line: str) -> bool:
    """A document title: 6–70 characters, mostly Chinese, no final punctuation, ending in a title word."""
    return (
        6 <= len(line) <= 70
        and len(_HAN.findall(line)) >= 6
        and not ends_sentence(line)
        and TITLE_END.search(line) is not None
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` safe for a one-line message: control characters (a newline in a file name could
    forge a second line) shown as escapes such as ``\\n``."""
    try:  # undecodable bytes of a file name (kept as surrogates) shown as \\xNN
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
