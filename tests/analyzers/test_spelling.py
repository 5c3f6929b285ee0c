"""The open typo checker and masking: misspellings no lexicon lists, what is never a typo, and
the copy detector picking the open checker's typos up as shared evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analyzers import spelling, typos
from pipeline.analyzers.context import Context
from pipeline.document import Document
from pipeline.ingest import clean_text
from pipeline.similarity import Item, detect
from pipeline.similarity.normalize import normalise

LEXICONS = Path(__file__).resolve().parents[2] / "lexicons"


def found(text: str) -> list[tuple[str, str, str]]:
    result = typos.analyze(Context(clean_text(text)))
    return [(t.text, t.suggestion, t.kind) for t in result.typos]


def listed(wrong: str) -> bool:
    """Whether a misspelling is in one of the typo lexicons (the open checker must not need it)."""
    for name in ("typos.txt", "typo_context.txt"):
        for line in (LEXICONS / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and line.split("\t")[0] == wrong:
                return True
    return False


def test_unlisted_sound_alike_typo_is_found_with_confidence() -> None:
    assert not listed("布暑")
    result = typos.analyze(Context(clean_text("我们认真布暑了年度重点工作任务。")))
    [typo] = result.typos
    assert (typo.text, typo.suggestion, typo.kind) == ("布暑", "部署", "typo")
    assert (typo.start, typo.end) == (4, 6)
    assert 0.5 < typo.confidence < 1.0
    assert typo.to_json()["confidence"] == round(typo.confidence, 3)


def test_lexicon_hits_keep_full_confidence() -> None:
    result = typos.analyze(Context(clean_text("年初我亲自布署全年工作。")))
    assert [(t.text, t.confidence) for t in result.typos] == [("布署", 1.0)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("党员队伍的凝聚力和战斗力不断增强，各项工作取得明显成效。", id="clean-sentence"),
        pytest.param("王建军同志带头讲党课，李晓红同志负责台账。", id="names"),
        pytest.param("截至2024年底，全镇共有党员326名，发展党员12名。", id="numbers"),
        pytest.param("坚持全面从严治党，增强四个意识、坚定四个自信、做到两个维护。", id="formulations"),
        pytest.param("今年我们组织开展了三次专题培训，参训人数达到一百二十人。", id="chinese-numbers"),
        pytest.param("A类项目3个，B级风险点5处。", id="letter-labels-are-not-masks"),
    ],
)
def test_never_a_typo(text: str) -> None:
    assert found(text) == []


def test_quoted_title_is_never_a_typo() -> None:
    assert found("组织学习《关于布暑年度工作的通知》。") == []


def test_unreliable_span_is_never_a_typo() -> None:
    text = "我们认真布暑了年度重点工作任务。"
    assert typos.analyze(Context(Document("ocr", text, unreliable=((4, 6),)))).typos == ()


def test_placeholders_stay_out_and_the_typo_next_to_them_counts() -> None:
    assert found("XX镇认真布暑XX项工作。") == [("布暑", "部署", "typo")]


def test_masking_is_reported_as_masking_never_as_typo() -> None:
    result = found("加强D建工作，把ZZ建设摆在首位，共产X人要带头。")
    kinds = {kind for _, _, kind in result}
    assert kinds == {"masked"}
    originals = {text: original for text, original, _ in result}
    assert originals["ZZ"] == "政治"
    assert originals["共产X人"] == "共产党人"
    assert any(original.startswith("党建") for original in originals.values())


def test_masks_are_undone_in_the_normalised_text() -> None:
    text = "全面加强D建工作，把ZZ建设摆在首位。"
    norm = normalise(text)
    assert "党建工作" in norm.text and "政治建设" in norm.text
    unmasked, src = spelling.unmask(text, frozenset("党政治"))
    assert "党建工作" in unmasked and len(src) == len(unmasked)


SHARED_LIST = (
    "（1）建立支部书记月度碰头会制度，全年碰头11次，逐项梳理基层反映的难点问题。\n"
    "（2）年初认真布暑党员志愿服务积分管理，每季度在村务公开栏张贴积分排名。\n"
    "（3）对两个后进党支部实行班子成员结对联系，半年内完成整顿并通过验收。\n"
    "（4）推行“红色代办”服务，为群众代办社保、医保等事项三百余件。\n"
)


def _report(unit: str, own: str) -> str:
    return (
        f"{unit}党委书记2024年度抓基层党建工作述职报告\n一、履行职责情况\n{own}\n{SHARED_LIST}"
        "二、存在的问题\n部分党员参加组织生活不够经常。\n三、下一步打算\n我将每月开展一次主题党日。"
    )


def test_copy_detector_shares_a_typo_no_lexicon_lists() -> None:
    assert not listed("布暑")
    reports = [
        ("a", _report("甲镇", "我坚持每月到村调研，全年走访农户86户，解决饮水难问题两件。")),
        ("b", _report("乙镇", "我把抓党建放在首位，全年主持专题会议七次，研究村集体经济发展。")),
    ]
    items = []
    for key, text in reports:
        doc = clean_text(text)
        result = typos.analyze(Context(doc))
        items.append(Item(key, doc.text, typos=tuple((t.text, t.start, t.end) for t in result.typos)))
    out = detect(items)
    assert len(out.pairs) == 1
    assert "布暑" in out.pairs[0].shared_typos


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("我们始终旗帜鲜亮地讲政治。", ("鲜亮", "鲜明"), id="xianliang"),
        pytest.param("扎实推进平安住房建设。", ("平安", "安全"), id="pingan-zhufang"),
    ],
)
def test_unlisted_synonym_swap_in_a_fixed_phrase_is_laundered(text: str, expected: tuple[str, str]) -> None:
    laundered = [(t, s) for t, s, kind in found(text) if kind == "laundered"]
    assert laundered == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("坚持以习近平新时代中国特色社会主义思想为指导，推进社会主义建设。", id="longer-word"),
        pytest.param("旗帜鲜明讲政治，认真落实安全生产责任。", id="the-fixed-phrases-themselves"),
    ],
)
def test_fixed_phrases_and_longer_words_are_not_laundered(text: str) -> None:
    assert [t for t in found(text) if t[2] == "laundered"] == []


def test_several_swaps_flag_laundered_text() -> None:
    result = typos.analyze(Context(clean_text("我们始终旗帜鲜亮地讲政治，扎实推进平安住房建设。")))
    assert result.laundered_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年组织党员开展科学技木培训三次，参训人员一百余人。", ("技木", "技术")),
        ("我们持续推进基层社会冶理，化解矛盾纠纷二十余件。", ("冶理", "治理")),
    ],
)
def test_unlisted_look_alike_typo_is_found(text: str, expected: tuple[str, str]) -> None:
    """形近: 木/术 and 冶/治 do not sound alike; the look-alike channel finds them."""
    assert not listed(expected[0])
    [(wrong, right)] = [(a, b) for a, b in zip(*expected, strict=True) if a != b]
    assert spelling._cost(wrong, right) is None
    assert (*expected, "typo") in found(text)


@pytest.mark.parametrize(
    "wrong, right, alike",
    [
        ("暑", "署", True),  # one component differs: 日者 / 罒者
        ("驰", "弛", True),
        ("也", "地", True),  # one is the other plus a component
        ("河", "湖", False),  # only the water radical is shared
    ],
)
def test_shape_neighbours(wrong: str, right: str, alike: bool) -> None:
    assert (right in spelling.shape_neighbours().get(wrong, ())) is alike
