"""The ``shuzhi`` command.

Exit codes: 0 success; 1 some inputs failed (each reported on stderr as one line naming the file and
the reason; results for the others are still printed); 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.errors import LexiconError, SettingsError, ShuzhiError, UsageError
from pipeline.settings import Settings
from pipeline.text import one_line

if TYPE_CHECKING:
    from pipeline.record import ReportResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


def _fail(message: str) -> None:
    print(f"shuzhi: {one_line(message)}", file=sys.stderr)


def cmd_clean(args: argparse.Namespace, settings: Settings) -> int:
    """Clean files; a collection page prints each piece as FILE#k (a ``==> FILE#k <==`` line, or a
    ``path`` field with --json)."""
    from pipeline.ingest import load_pieces

    status = EXIT_OK
    for path in args.files:
        try:
            docs = load_pieces(path, settings)
        except ShuzhiError as exc:
            _fail(str(exc))
            status = EXIT_FAILED
            continue
        for doc in docs:
            if args.json:
                obj = doc.to_clean_json()
                if len(docs) > 1:
                    obj["path"] = doc.path
                print(_dump(obj))
            else:
                if len(docs) > 1:
                    sys.stdout.write(f"==> {doc.path} <==\n")
                sys.stdout.write(doc.text + ("\n" if doc.text else ""))
    return status


def iter_files(paths: Sequence[str], rejected: list[tuple[str, str]] | None = None) -> list[str]:
    """Files named directly, and the supported files under named folders (sorted, recursive; links
    out of a named folder are not followed but listed in ``rejected``)."""
    from pathlib import Path

    from pipeline.batch import discover

    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            outside: list[tuple[Path, str]] = []
            out.extend(str(p) for p in discover(path, outside))
            if rejected is not None:
                rejected.extend((str(p), reason) for p, reason in outside)
        else:
            out.append(raw)
    return out


def _table(rows: list[list[str]], header: list[str]) -> str:
    """A plain table that lines up Chinese text (wide characters count double)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cols = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(c + " " * (cols[i] - width(c)) for i, c in enumerate(r)).rstrip())
    lines.insert(1, "  ".join("-" * c for c in cols))
    return "\n".join(lines)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """The main job on a folder: batch it into the database, show a table, start the dashboard."""
    import os
    from pathlib import Path

    from pipeline.batch import run_batch
    from pipeline.store import Store

    status = EXIT_OK
    for folder in args.paths:
        summary = run_batch(folder, args.db, settings, workers=_default_workers())
        for line in summary.lines():
            print(line, file=sys.stderr)
        status = max(status, EXIT_FAILED if summary.failed else EXIT_OK)
    data = Store(args.db).export_data()
    rows = [
        [
            Path(r["path"]).name[:44],
            r["genre"],
            f"{r['score']:.0f}",
            str(r["personal"]),
            f"{r['achievement_share']:.0%}",
            f"{r['max_copy_ratio']:.0%}",
            ", ".join(r["flags"]) or "-",
        ]
        for r in sorted(data["reports"], key=lambda r: r["score"])
    ]
    print(_table(rows, ["file", "genre", "score", "我", "成绩占比", "相同比例", "flags"]))
    if args.no_dashboard:
        return status
    print(
        f"\nshuzhi: starting the dashboard at http://localhost:{args.port} (Ctrl-C to stop)", file=sys.stderr
    )
    app = Path(__file__).resolve().parent.parent / "app.py"
    os.environ["SHUZHI_DB"] = args.db
    os.execvp(
        sys.executable,
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(args.port),
            "--server.address",
            "localhost",
        ],
    )
    return status  # not reached


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    """Analyze files; one JSON object per line with --json, a table otherwise."""
    from pipeline.nlp import announce
    from pipeline.work import default_workers, map_paths

    status = EXIT_OK
    rows = []
    workers = args.workers or default_workers()
    announce()
    rejected: list[tuple[str, str]] = []
    files = iter_files(args.files, rejected)
    for path, reason in rejected:
        _fail(f"{path}: {reason}")
        status = EXIT_FAILED
    for reviews in map_paths(files, settings, workers=workers):
        for reviewed in reviews:  # a collection page: one review per piece
            if reviewed.result is None:
                _fail(f"{reviewed.path}: {reviewed.error}")
                status = EXIT_FAILED
            elif args.json:
                print(_dump(reviewed.result.to_json()), flush=True)
            else:
                rows.append(_summary_row(reviewed.result))
    if not args.json and rows:
        print(_table(rows, ["file", "genre", "score", "我", "集体", "成绩占比", "缺少", "flags"]))
    return status


def _summary_row(r: ReportResult) -> list[str]:
    from pathlib import Path

    names = {"duty": "履职", "progress": "推进", "problems": "问题", "plans": "打算"}
    return [
        Path(r.path).name[:40],
        r.genre["label"],
        f"{r.score:.0f}",
        str(r.first_person["personal"]),
        str(r.first_person["collective"]),
        f"{r.balance['achievement_share']:.0%}",
        "、".join(names[m] for m in r.sections["missing"]) or "-",
        ", ".join(r.flags) or "-",
    ]


def cmd_similar(args: argparse.Namespace, settings: Settings) -> int:
    """Copy detection over files and folders (and against --reference model texts)."""
    import dataclasses

    from pipeline import manifest
    from pipeline.similarity import detect_core
    from pipeline.similarity.files import NormCache, load_all

    if args.min_passage:
        settings = dataclasses.replace(
            settings, similarity=dataclasses.replace(settings.similarity, min_passage=args.min_passage)
        )
    rejected: list[tuple[str, str]] = []
    paths = iter_files(args.paths, rejected)
    refs = iter_files([args.reference], rejected) if args.reference else []
    for path, reason in rejected:
        _fail(f"{path}: {reason}")
    metas = manifest.metas_for(paths)
    jobs = [(p, metas.get(p), False) for p in paths] + [(p, None, True) for p in refs]
    items, fps, errors = load_all(jobs, settings, args.workers or _default_workers())
    for line in errors:
        _fail(line)
    result = detect_core(items, fps, NormCache(items, settings), settings)
    if args.json:
        print(_dump(result.to_json()))
    else:
        _print_pairs(result)
    return EXIT_FAILED if errors or rejected else EXIT_OK


def _print_pairs(result) -> None:
    if not result.pairs:
        print("no copies found")
    for p in result.pairs:
        print(f"\n{p.kind}: {p.a}  ⇄  {p.b}")
        print(
            f"  similarity {p.similarity:.2f}   copied share: a {p.copy_ratio_a:.0%}, b {p.copy_ratio_b:.0%}"
            + (f"   shared typos: {'、'.join(p.shared_typos)}" if p.shared_typos else "")
        )
        for q in p.passages[:8]:
            text = q.text.replace("\n", " ")
            print(
                f"  a[{q.a_start}:{q.a_end}] b[{q.b_start}:{q.b_end}]  {text[:70]}{'…' if len(text) > 70 else ''}"
            )
    if result.clusters:
        print("\ncopy rings:")
        for ring in result.clusters:
            print("  " + "  ".join(ring))


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.batch import run_batch

    summary = run_batch(
        args.path,
        args.db,
        settings,
        workers=args.workers or _default_workers(),
        scheduler=args.scheduler,
        reference=args.reference,
    )
    for line in summary.lines():
        print(line, file=sys.stderr)
    for path, reason in summary.failures:
        _fail(f"{path}: {reason}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _default_workers() -> int:
    from pipeline.work import default_workers

    return default_workers()


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.export import export
    from pipeline.store import Store

    if args.format == "xlsx" and not args.out:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    text = export(Store.open_existing(args.db), args.format, args.out)
    if text is not None:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_votes(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.store import Store
    from pipeline.votes import import_votes

    n = import_votes(Path(args.file), Store.open_existing(args.db), args.year)
    print(f"imported votes for {n} units", file=sys.stderr)
    return EXIT_OK


def cmd_problems(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.rectification import import_known_problems
    from pipeline.store import Store

    n = import_known_problems(Path(args.file), Store.open_existing(args.db), settings)
    print(f"imported {n} known problems; reports checked again", file=sys.stderr)
    return EXIT_OK


def cmd_letters(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.letters import write_letters
    from pipeline.store import DECISIONS, Store

    if args.decision is not None and args.decision not in DECISIONS:
        raise UsageError(f"--decision must be one of {', '.join(DECISIONS)}, got {args.decision!r}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    written = write_letters(Store.open_existing(args.db), out, args.decision)
    print(f"wrote {len(written)} letters to {out}", file=sys.stderr)
    return EXIT_OK


def cmd_summary(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.store import Store
    from pipeline.summary_report import summary_docx

    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: folder {str(out.parent)!r} does not exist")
    out.write_bytes(summary_docx(Store.open_existing(args.db)))
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.train import train

    report = train(Path(args.out or settings.model_dir))
    print(
        _dump(
            {
                "model": str(Path(args.out or settings.model_dir) / "sentence_type.joblib"),
                "sentences": report.n_train,
                "cv_macro_f1": report.cv_macro_f1,
                "heldout_macro_f1": report.heldout_macro_f1,
            }
        )
    )
    return EXIT_OK


def cmd_train_lines(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.ingest.train_lines import train

    out = Path(args.out or settings.model_dir)
    report = train(out, settings)
    print(
        _dump(
            {
                "model": str(out / "boilerplate_lines.joblib"),
                "examples": report.examples,
                "threshold": report.threshold,
                "cv_gain": report.cv_gain,
                "cv_content_lost": report.cv_content_lost,
                "figures": report.figures,
            }
        )
    )
    return EXIT_OK


def cmd_train_genre(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from pipeline.genre_model import CORPUS, MODEL_NAME, train

    out = Path(args.out or settings.model_dir)
    corpus = Path(args.corpus) if args.corpus else CORPUS
    if not corpus.is_dir():
        raise UsageError(f"--corpus {corpus}: not a folder")
    try:
        report = train(out, corpus)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(
        _dump(
            {
                "model": str(out / MODEL_NAME),
                "texts": report.n_texts,
                "rows": report.n_rows,
                "cv_accuracy_whole": report.cv_accuracy_whole,
                "cv_accuracy_cuts": report.cv_accuracy_cuts,
                "cv_report_recall": report.cv_report_recall,
                "cv_lookalike_refused": report.cv_lookalike_refused,
            }
        )
    )
    return EXIT_OK


NEEDS_LEXICONS = frozenset({"clean", "analyze", "similar", "batch", "demo", "problems"})
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "clean": cmd_clean,
    "analyze": cmd_analyze,
    "train": cmd_train,
    "train-lines": cmd_train_lines,
    "train-genre": cmd_train_genre,
    "similar": cmd_similar,
    "batch": cmd_batch,
    "export": cmd_export,
    "votes": cmd_votes,
    "problems": cmd_problems,
    "letters": cmd_letters,
    "summary": cmd_summary,
    "demo": cmd_demo,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shuzhi", description="Review 述职报告: clean, analyze, find copies, batch a year's corpus."
    )
    parser.add_argument("--version", action="version", version=f"shuzhi {__version__}")
    parser.add_argument("--config", help="a TOML file overriding default settings")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("clean", help="print the clean simplified text of a file")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print text, removed lines, repairs, warnings, hints")

    p = sub.add_parser("analyze", help="check reports as a 审阅组 would: voice, balance, parts, genre, typos")
    p.add_argument("files", nargs="+", metavar="FILE", help="files or folders")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    fmt.add_argument("--format", choices=["json", "table"], default="table")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")

    p = sub.add_parser(
        "similar", help="find who copied from whom: pairs, aligned passages, shared typos, rings"
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--json", action="store_true")
    p.add_argument("--reference", metavar="DIR", help="a folder of known model texts (范文)")
    p.add_argument("--min-passage", type=int, default=0, help="shortest passage shown, in characters")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="processes for reading and fingerprinting (default: one per core)",
    )

    p = sub.add_parser("batch", help="analyze a corpus folder, find copies, store everything (resumable)")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--db", default="sqlite:///shuzhi.db", help="database URL (default sqlite:///shuzhi.db)")
    p.add_argument("--workers", type=int, default=0, help="local processes (default: one per core)")
    p.add_argument(
        "--scheduler", metavar="ADDRESS", help="a dask.distributed scheduler, e.g. tcp://10.0.0.5:8786"
    )
    p.add_argument("--reference", metavar="DIR", help="a folder of known model texts (范文)")

    p = sub.add_parser("export", help="write what a batch stored: csv, xlsx or json")
    p.add_argument("--db", default="sqlite:///shuzhi.db")
    p.add_argument("--format", choices=["csv", "xlsx", "json"], required=True)
    p.add_argument("--out", metavar="FILE")

    p = sub.add_parser("votes", help="测评 votes")
    vsub = p.add_subparsers(dest="votes_command", required=True)
    v = vsub.add_parser("import", help="import a votes sheet (csv/xlsx: unit, 好, 较好, 一般, 差[, year])")
    v.add_argument("file", metavar="FILE")
    v.add_argument("--db", default="sqlite:///shuzhi.db")
    v.add_argument("--year", type=int, help="the year, when the sheet has no year column")

    p = sub.add_parser("problems", help="known problems per unit (巡视/巡察/督查/上级点评/群众评议)")
    psub = p.add_subparsers(dest="problems_command", required=True)
    k = psub.add_parser("import", help="import a sheet (csv/xlsx: unit, year, problem, source)")
    k.add_argument("file", metavar="FILE")
    k.add_argument("--db", default="sqlite:///shuzhi.db")

    p = sub.add_parser("letters", help="write a review letter (审阅意见 .docx) per report")
    p.add_argument("--db", default="sqlite:///shuzhi.db")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--decision", help="only reports with this decision (通过 / 退回修改 / 约谈提醒)")

    p = sub.add_parser("summary", help="write the round's summary (审阅情况专题报告 .docx)")
    p.add_argument("--db", default="sqlite:///shuzhi.db")
    p.add_argument("--out", required=True, metavar="FILE.docx")

    p = sub.add_parser("train", help="rebuild models/sentence_type.joblib and its model card")
    p.add_argument("--out", help="model folder (default: the settings' model_dir)")

    p = sub.add_parser(
        "train-lines", help="rebuild models/boilerplate_lines.joblib (unseen-site line classifier)"
    )
    p.add_argument("--out", help="model folder (default: the settings' model_dir)")
    p = sub.add_parser(
        "train-genre", help="rebuild models/genre.joblib (genre classifier) and its model card"
    )
    p.add_argument("--out", help="model folder (default: the settings' model_dir)")
    p.add_argument("--corpus", help="genre texts, one folder per genre (default: corpora/genres)")

    p = sub.add_parser("demo", help="batch a folder into the database, show a table, start the dashboard")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--db", default="sqlite:///shuzhi.db")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--no-dashboard", action="store_true", help="stop after the table")
    return parser


OCR_PROGRESS = frozenset({"clean", "analyze"})


def _show_ocr_progress() -> None:
    """Pages read by OCR, on one overwritten stderr line, when a person watches the terminal (a scan
    of 30 pages takes minutes); never in pipes or logs, where stderr is one line per failed file."""
    import os

    if not sys.stderr.isatty() or os.environ.get("SHUZHI_QUIET"):
        return
    from pipeline.ingest import ocr

    def show(name: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(
            f"\rshuzhi: reading {one_line(name)} by OCR: page {done}/{total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    ocr.progress = show


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "format", None) == "json":
        args.json = True
    try:
        settings = Settings.load(args.config)
        if args.command in NEEDS_LEXICONS:
            from pipeline.lexicons import check_readable

            check_readable(settings)
    except ShuzhiError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    if args.command in OCR_PROGRESS:
        _show_ocr_progress()
    try:
        return COMMANDS[args.command](args, settings)
    except (UsageError, SettingsError, LexiconError) as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except ShuzhiError as exc:
        _fail(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception as exc:  # a bug: still one line for the user (SHUZHI_DEBUG=1 shows the traceback)
        import os

        if os.environ.get("SHUZHI_DEBUG"):
            raise
        _fail(f"internal error ({type(exc).__name__}: {exc}); run again with SHUZHI_DEBUG=1 for details")
        return EXIT_FAILED
    except BrokenPipeError:
        return EXIT_OK
